// The tests share one loaded model and the machine's few cores; running them one at a time keeps them fast
// and their printed measurements meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
