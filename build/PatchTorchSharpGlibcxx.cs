using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Lets TorchSharp's libLibTorchSharp.so load with a libstdc++ older than GCC 13's (see TorchSharpGlibcxx.targets).
/// Pure byte edits of an ELF64 little-endian file; idempotent; does nothing where the system libstdc++ already
/// provides GLIBCXX_3.4.32.
/// </summary>
public class PatchTorchSharpGlibcxx : Task
{
    private const string Symbol = "_ZSt21ios_base_library_initv";
    private const string Replacement = "sched_yield";
    private const string Version = "GLIBCXX_3.4.32";
    private const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 2;

    [Required] public string Library { get; set; } = "";
    [Output] public string Result { get; set; } = "";

    private static readonly string[] SystemLibraries =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        try
        {
            var system = Array.Find(SystemLibraries, File.Exists);
            if (system is null)
            {
                Result = "left as it is: no system libstdc++.so.6 found to check";
                Log.LogWarning("ActorNas: no libstdc++.so.6 found; TorchSharp needs GCC 13's libstdc++ (GLIBCXX_3.4.32) or the patch described in README.md");
                return true;
            }
            if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
            {
                Result = $"left as it is: {system} provides {Version}";
                return true;
            }
            var bytes = File.ReadAllBytes(Library);
            var outcome = Patch(bytes);
            if (outcome.Changed) File.WriteAllBytes(Library, bytes);
            Result = outcome.Message + $" ({system} lacks {Version})";
            return true;
        }
        catch (Exception e)
        {
            Log.LogError($"ActorNas: could not patch {Library} for an older libstdc++: {e.Message}");
            return false;
        }
    }

    private static (bool Changed, string Message) Patch(byte[] f)
    {
        if (f.Length < 64 || f[0] != 0x7f || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F' || f[4] != 2 || f[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        var shoff = (long)U64(f, 0x28);
        int shentsize = U16(f, 0x3a), shnum = U16(f, 0x3c);
        long dynsym = -1, dynsymSize = 0, dynsymEntry = 0, versym = -1, verneed = -1;
        int dynstrIndex = -1, verneedCount = 0;
        for (var i = 0; i < shnum; i++)
        {
            var h = shoff + (long)i * shentsize;
            var type = U32(f, h + 4);
            var offset = (long)U64(f, h + 0x18);
            if (type == ShtDynsym)
            {
                dynsym = offset;
                dynsymSize = (long)U64(f, h + 0x20);
                dynsymEntry = (long)U64(f, h + 0x38);
                dynstrIndex = (int)U32(f, h + 0x28);    // sh_link: the string table
            }
            else if (type == ShtGnuVersym) versym = offset;
            else if (type == ShtGnuVerneed)
            {
                verneed = offset;
                verneedCount = (int)U32(f, h + 0x2c);   // sh_info: number of Verneed entries
            }
        }
        if (dynsym < 0 || versym < 0 || verneed < 0 || dynstrIndex < 0)
            throw new InvalidDataException("no .dynsym, .gnu.version or .gnu.version_r section");
        var dynstr = (long)U64(f, shoff + (long)dynstrIndex * shentsize + 0x18);
        var dynstrSize = (long)U64(f, shoff + (long)dynstrIndex * shentsize + 0x20);

        // 1. the symbol: its version entry becomes 1 (global), its name is rewritten in place
        var changed = false;
        var symbolFound = false;
        for (long s = 0; s < dynsymSize / dynsymEntry; s++)
        {
            var nameOffset = dynstr + U32(f, dynsym + s * dynsymEntry);
            var name = CString(f, nameOffset);
            if (name != Symbol && !(name == Replacement && U16(f, versym + 2 * s) == 1)) continue;
            symbolFound = true;
            if (name == Replacement) break;                     // patched before
            // renaming in place is safe only if no other name shares these bytes (a linker may tail-merge strings)
            if (IsShared(f, dynsym, dynsymSize / dynsymEntry, dynsymEntry, dynstr, nameOffset, Symbol.Length, s))
                throw new InvalidDataException($"another dynamic symbol's name shares the bytes of {Symbol}; renaming it in place is not safe");
            Put16(f, versym + 2 * s, 1);
            var replacement = Encoding.ASCII.GetBytes(Replacement);
            for (var k = 0; k < Symbol.Length; k++) f[nameOffset + k] = k < replacement.Length ? replacement[k] : (byte)0;
            changed = true;
            break;
        }
        if (!symbolFound) return (false, $"left as it is: it does not import {Symbol}");

        // 2. the GLIBCXX_3.4.32 requirement becomes weak
        var entry = verneed;
        for (var n = 0; n < verneedCount; n++)
        {
            int count = U16(f, entry + 2);
            var aux = entry + U32(f, entry + 8);
            for (var a = 0; a < count; a++)
            {
                if (CString(f, dynstr + U32(f, aux + 8)) == Version && (U16(f, aux + 4) & VerFlgWeak) == 0)
                {
                    Put16(f, aux + 4, (ushort)(U16(f, aux + 4) | VerFlgWeak));
                    changed = true;
                }
                aux += U32(f, aux + 12);
            }
            entry += U32(f, entry + 12);
        }
        return (changed, changed ? $"patched: {Symbol} -> {Replacement} (unversioned), {Version} weak" : "already patched");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => CountOccurrences(haystack, needle) > 0;

    /// <summary>Whether a dynamic symbol other than <paramref name="self"/> names a string inside [start, start + length].</summary>
    private static bool IsShared(byte[] f, long dynsym, long count, long entry, long dynstr, long start, int length, long self)
    {
        for (long s = 0; s < count; s++)
        {
            if (s == self) continue;
            var name = dynstr + U32(f, dynsym + s * entry);
            if (name >= start && name <= start + length) return true;
        }
        return false;
    }

    private static int CountOccurrences(byte[] haystack, byte[] needle)
    {
        var count = 0;
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) count++;
        }
        return count;
    }

    private static string CString(byte[] f, long offset)
    {
        var end = offset;
        while (f[end] != 0) end++;
        return Encoding.ASCII.GetString(f, (int)offset, (int)(end - offset));
    }

    private static ushort U16(byte[] f, long o) => (ushort)(f[o] | f[o + 1] << 8);
    private static uint U32(byte[] f, long o) => (uint)(f[o] | f[o + 1] << 8 | f[o + 2] << 16 | f[o + 3] << 24);
    private static ulong U64(byte[] f, long o) => U32(f, o) | (ulong)U32(f, o + 4) << 32;

    private static void Put16(byte[] f, long o, ushort v)
    {
        f[o] = (byte)v;
        f[o + 1] = (byte)(v >> 8);
    }
}
