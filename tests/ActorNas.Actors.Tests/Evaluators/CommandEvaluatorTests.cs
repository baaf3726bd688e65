using ActorNas.Actors.Evaluators.Command;
using ActorNas.Core.Evaluation;
using Xunit;

namespace ActorNas.Actors.Tests.Evaluators;

/// <summary>The command evaluator with real processes: small bash scripts written into a temp folder.</summary>
public sealed class CommandEvaluatorTests
{
    private static Task<EvaluationResult> Run(CommandScripts scripts, string body, CancellationToken cancel = default) =>
        new CommandEvaluator(scripts.Bash(body), "").EvaluateAsync(CommandScripts.Candidate(), CommandScripts.Context(), cancel);

    [Fact]
    public async Task The_last_result_line_is_the_result_exactly_and_other_lines_are_output()
    {
        using var scripts = new CommandScripts();
        var result = await Run(scripts, """
            echo "epoch 1 loss 2.3"
            echo '{"objective": 0.5}'
            echo '{"note": "a JSON line without objective"}'
            echo '{"objective": 0.91234567890123456, "metrics": {"loss": 0.25, "params": 123456789, "seconds": 1e-3}}'
            echo "done"
            """);
        Assert.Equal(0.91234567890123456, result.Objective);
        Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.25, ["params"] = 123456789, ["seconds"] = 0.001 }, result.Metrics);
    }

    [Fact]
    public async Task The_script_sees_the_candidate_on_stdin_and_in_its_environment()
    {
        using var scripts = new CommandScripts();
        var stdin = scripts.File("stdin.json");
        var env = scripts.File("env.txt");
        var settings = scripts.Bash($"""
            cat > '{stdin}'
            env | grep -E '^(ACTORNAS_|CUDA_VISIBLE_DEVICES|MY_SETTING)' | sort > '{env}'
            pwd >> '{env}'
            echo '{"{"}"objective": 1{"}"}'
            """) with { Environment = new Dictionary<string, string> { ["MY_SETTING"] = "on" }, WorkingDirectory = scripts.Folder };
        await new CommandEvaluator(settings, "1").EvaluateAsync(CommandScripts.Candidate(id: 5, parent: 3, attempt: 2), CommandScripts.Context(slot: 1), default);

        var checkpoint = Path.Combine(scripts.File("checkpoints"), "search-7", "5");
        Assert.True(Directory.Exists(checkpoint));
        var seen = File.ReadAllLines(env);
        var genotype = Core.Spaces.Nb201Space.Instance.Format(CommandScripts.Candidate().Genotype);
        string[] expected =
        [
            "ACTORNAS_ATTEMPT=2", "ACTORNAS_CANDIDATE_ID=5", $"ACTORNAS_CHECKPOINT_DIR={checkpoint}",
            $"ACTORNAS_GENOTYPE={genotype}",
            "ACTORNAS_NODE=node-a", "ACTORNAS_PARENT_CHECKPOINT=", "ACTORNAS_PARENT_ID=3", "ACTORNAS_POSITIONS=3,0,4,1,1,2", $"ACTORNAS_SEARCH_ID=search-7",
            "ACTORNAS_SEARCH_SEED=42", $"ACTORNAS_SEED={42 ^ 5}", "ACTORNAS_SLOT=1", "ACTORNAS_SPACE=nb201", "ACTORNAS_WORKER=node-a/slot-1",
            "CUDA_VISIBLE_DEVICES=1", "MY_SETTING=on", scripts.Folder,
        ];
        Assert.Equal(expected, seen);

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(stdin));
        var root = json.RootElement;
        Assert.Equal("search-7", root.GetProperty("searchId").GetString());
        Assert.Equal(5, root.GetProperty("candidateId").GetInt64());
        Assert.Equal(2, root.GetProperty("attempt").GetInt32());
        Assert.Equal([3, 0, 4, 1, 1, 2], root.GetProperty("positions").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(genotype, root.GetProperty("genotype").GetString());
        Assert.Equal("nb201", root.GetProperty("space").GetString());
        Assert.Equal(3, root.GetProperty("parentId").GetInt64());
        Assert.Equal(42 ^ 5, root.GetProperty("seed").GetInt64());
        Assert.Equal(1, root.GetProperty("slot").GetInt32());
        Assert.Equal(checkpoint, root.GetProperty("checkpointDir").GetString());
    }

    [Fact]
    public async Task A_child_gets_its_parents_checkpoint_folder_when_the_parent_wrote_one_on_this_node()
    {
        using var scripts = new CommandScripts();
        var seen = scripts.File("parent.txt");
        var evaluator = new CommandEvaluator(scripts.Bash($$"""
            echo "weights of $ACTORNAS_CANDIDATE_ID" > "$ACTORNAS_CHECKPOINT_DIR/model.pt"
            echo "$ACTORNAS_CANDIDATE_ID=$ACTORNAS_PARENT_CHECKPOINT" >> '{{seen}}'
            if [ -n "$ACTORNAS_PARENT_CHECKPOINT" ]; then cat "$ACTORNAS_PARENT_CHECKPOINT/model.pt" >> '{{seen}}'; fi
            echo '{"objective": 1}'
            """), "");
        var context = CommandScripts.Context();
        await evaluator.EvaluateAsync(CommandScripts.Candidate(id: 1, parent: null), context, default);
        await evaluator.EvaluateAsync(CommandScripts.Candidate(id: 2, parent: 1), context, default);
        await evaluator.EvaluateAsync(CommandScripts.Candidate(id: 3, parent: 99), context, default);   // a parent never evaluated here

        var parentDir = Path.Combine(scripts.File("checkpoints"), "search-7", "1");
        Assert.Equal(["1=", $"2={parentDir}", "weights of 1", "3="], File.ReadAllLines(seen));
    }

    [Fact]
    public async Task A_nonzero_exit_fails_with_the_code_and_the_end_of_stderr()
    {
        using var scripts = new CommandScripts();
        var e = await Assert.ThrowsAsync<CommandFailedException>(() => Run(scripts, """
            for i in $(seq 1 30); do echo "noise $i" >&2; done
            echo "RuntimeError: CUDA out of memory" >&2
            echo '{"objective": 0.9}'
            exit 3
            """));
        Assert.Contains("exited with code 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("RuntimeError: CUDA out of memory", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("noise 5 ", e.Message + " ", StringComparison.Ordinal);   // bounded: only the last lines
    }

    [Theory]
    [InlineData("echo 'hello'; echo '[1, 2]'", "no result line")]
    [InlineData("echo '{\"objective\": \"high\"}'", "is not a number")]
    [InlineData("echo '{\"objective\": 1e999}'", "is not finite")]
    [InlineData("echo '{\"objective\": NaN}'", "is not valid JSON")]
    [InlineData("echo '{\"objective\": 0.5}'; echo '{\"objective\": 0.7, \"oops'", "is not valid JSON")]
    [InlineData("echo '{\"objective\": 0.5, \"metrics\": {\"loss\": \"low\"}}'", "the metric \"loss\"")]
    [InlineData("echo '{\"objective\": 0.5, \"metrics\": [1]}'", "is not an object")]
    public async Task Garbage_or_a_bad_result_line_fails_and_says_why(string body, string expected)
    {
        using var scripts = new CommandScripts();
        var e = await Assert.ThrowsAsync<CommandFailedException>(() => Run(scripts, body + "\necho 'a last word' >&2"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("a last word", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_printing_NaN_fails_as_not_JSON()
    {
        using var scripts = new CommandScripts();
        var settings = scripts.Bash("") with { Command = ["python3", "-c", "import json; print(json.dumps({'objective': float('nan')}))"] };
        var e = await Assert.ThrowsAsync<CommandFailedException>(() =>
            new CommandEvaluator(settings, "").EvaluateAsync(CommandScripts.Candidate(), CommandScripts.Context(), default));
        Assert.Contains("NaN and Infinity are not JSON numbers", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_attempt_takes_its_whole_process_group_down(bool ignoresTerm)
    {
        using var scripts = new CommandScripts();
        var started = scripts.File("started");
        var body = $"""
            {(ignoresTerm ? "trap '' TERM" : "")}
            sleep {scripts.Marker} &
            touch '{started}'
            while true; do sleep 0.2; done
            """;
        var evaluator = new CommandEvaluator(scripts.Bash(body, killGrace: TimeSpan.FromSeconds(1)), "");
        using var cancel = new CancellationTokenSource();
        var evaluation = evaluator.EvaluateAsync(CommandScripts.Candidate(), CommandScripts.Context(), cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(started))
        {
            Assert.False(evaluation.IsCompleted, "the evaluation ended before the script started its child");
            Assert.True(DateTime.UtcNow < deadline, "the script did not start within 60 s");
            await Task.Delay(50);
        }
        // the forked child may not have become `sleep MARKER` yet when 'started' appears (a CI run under load saw none)
        while (CommandScripts.ProcessesWith(scripts.Marker).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the script's child did not show up within 60 s");
            await Task.Delay(50);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => evaluation);
        Assert.Empty(await CommandScripts.SurvivorsWith(scripts.Marker, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_background_child_left_by_a_finished_script_is_killed()
    {
        using var scripts = new CommandScripts();
        var result = await Run(scripts, $$"""
            sleep {{scripts.Marker}} > /dev/null 2>&1 &
            echo '{"objective": 0.25}'
            """);
        Assert.Equal(0.25, result.Objective);
        Assert.Empty(await CommandScripts.SurvivorsWith(scripts.Marker, TimeSpan.FromSeconds(5)));
    }
}
