// One browser and one server at a time: the machines running these tests have two cores, and the Stop test
// reads the server's running count, which another collection's stream would change.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
