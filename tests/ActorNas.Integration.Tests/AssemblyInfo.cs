// The tests start real processes and some of them kill those at chosen moments; on a machine with few cores,
// test classes running side by side would starve each other and blur those moments. One class at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
