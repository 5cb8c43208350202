using LlavaBench.Client;
using LlavaBench.Workload;

namespace LlavaBench.Running;

/// <summary>
/// One server a run drives: its request bodies (which name its model), its client and its scenario runner. Ours
/// and a peer get the same scenarios, so both see the same images, questions and load.
/// </summary>
public sealed record ServerSide(string Name, ChatRequestFactory Factory, StreamingChatClient Client, ScenarioRunner Runner);
