using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal enum Relation
{
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
}
