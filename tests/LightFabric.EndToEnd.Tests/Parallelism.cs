// Each test starts real gateway processes; on two cores they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
