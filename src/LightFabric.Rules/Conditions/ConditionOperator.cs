namespace LightFabric.Rules.Conditions;

/// <summary>The native condition operators. Codes are matched case-insensitively; see <see cref="ConditionOperators"/>.</summary>
public enum ConditionOperator
{
    Equals,
    NotEquals,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    Contains,
    NotContains,
    ContainsIgnoreCase,
    InList,
    NotInList,
    ContainsAny,
    ContainsAll,
    ContainsNone,
    Matches,
    NotMatch,
    StartsWith,
    EndsWith,
    LengthEquals,
    LengthGreaterThan,
    LengthLessThan,
    LengthGreaterThanOrEqual,
    LengthLessThanOrEqual,
    Exists,
    NotExists,
    IsEmpty,
    IsNotEmpty,
    IsBlank,
    IsNotBlank,
    Before,
    After,
    On,

    /// <summary>A CEL row (<c>operatorCode: cel</c>, expression in <c>expected</c>).</summary>
    Cel,
}

/// <summary>Maps operator codes (symbols, short and word forms) to <see cref="ConditionOperator"/>.</summary>
public static class ConditionOperators
{
    private static readonly Dictionary<string, ConditionOperator> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["=="] = ConditionOperator.Equals,
        ["="] = ConditionOperator.Equals,
        ["eq"] = ConditionOperator.Equals,
        ["equals"] = ConditionOperator.Equals,
        ["equal"] = ConditionOperator.Equals,
        ["!="] = ConditionOperator.NotEquals,
        ["<>"] = ConditionOperator.NotEquals,
        ["ne"] = ConditionOperator.NotEquals,
        ["notEquals"] = ConditionOperator.NotEquals,
        ["notEqual"] = ConditionOperator.NotEquals,
        [">"] = ConditionOperator.GreaterThan,
        ["gt"] = ConditionOperator.GreaterThan,
        ["greaterThan"] = ConditionOperator.GreaterThan,
        [">="] = ConditionOperator.GreaterThanOrEqual,
        ["ge"] = ConditionOperator.GreaterThanOrEqual,
        ["gte"] = ConditionOperator.GreaterThanOrEqual,
        ["greaterThanOrEqual"] = ConditionOperator.GreaterThanOrEqual,
        ["greaterThanOrEqualTo"] = ConditionOperator.GreaterThanOrEqual,
        ["greaterOrEqual"] = ConditionOperator.GreaterThanOrEqual,
        ["<"] = ConditionOperator.LessThan,
        ["lt"] = ConditionOperator.LessThan,
        ["lessThan"] = ConditionOperator.LessThan,
        ["<="] = ConditionOperator.LessThanOrEqual,
        ["le"] = ConditionOperator.LessThanOrEqual,
        ["lte"] = ConditionOperator.LessThanOrEqual,
        ["lessThanOrEqual"] = ConditionOperator.LessThanOrEqual,
        ["lessThanOrEqualTo"] = ConditionOperator.LessThanOrEqual,
        ["lessOrEqual"] = ConditionOperator.LessThanOrEqual,
        ["contains"] = ConditionOperator.Contains,
        ["notContains"] = ConditionOperator.NotContains,
        ["containsIgnoreCase"] = ConditionOperator.ContainsIgnoreCase,
        ["inList"] = ConditionOperator.InList,
        ["in"] = ConditionOperator.InList,
        ["notInList"] = ConditionOperator.NotInList,
        ["notIn"] = ConditionOperator.NotInList,
        ["containsAny"] = ConditionOperator.ContainsAny,
        ["containsAll"] = ConditionOperator.ContainsAll,
        ["containsNone"] = ConditionOperator.ContainsNone,
        ["matches"] = ConditionOperator.Matches,
        ["match"] = ConditionOperator.Matches,
        ["notMatch"] = ConditionOperator.NotMatch,
        ["notMatches"] = ConditionOperator.NotMatch,
        ["startsWith"] = ConditionOperator.StartsWith,
        ["endsWith"] = ConditionOperator.EndsWith,
        ["lengthEquals"] = ConditionOperator.LengthEquals,
        ["lengthEqualTo"] = ConditionOperator.LengthEquals,
        ["lengthGreaterThan"] = ConditionOperator.LengthGreaterThan,
        ["lengthLessThan"] = ConditionOperator.LengthLessThan,
        ["lengthGreaterThanOrEqual"] = ConditionOperator.LengthGreaterThanOrEqual,
        ["lengthLessThanOrEqual"] = ConditionOperator.LengthLessThanOrEqual,
        ["exists"] = ConditionOperator.Exists,
        ["isNotNull"] = ConditionOperator.Exists,
        ["notExists"] = ConditionOperator.NotExists,
        ["isNull"] = ConditionOperator.NotExists,
        ["isEmpty"] = ConditionOperator.IsEmpty,
        ["isNotEmpty"] = ConditionOperator.IsNotEmpty,
        ["isBlank"] = ConditionOperator.IsBlank,
        ["isNotBlank"] = ConditionOperator.IsNotBlank,
        ["before"] = ConditionOperator.Before,
        ["after"] = ConditionOperator.After,
        ["on"] = ConditionOperator.On,
        ["cel"] = ConditionOperator.Cel,
    };

    /// <summary>Every accepted code.</summary>
    public static IEnumerable<string> AllCodes => Codes.Keys;

    public static bool TryParse(string code, out ConditionOperator op) => Codes.TryGetValue(code.Trim(), out op);

    /// <summary>Operators that read no <c>expected</c> value.</summary>
    public static bool IsUnary(ConditionOperator op) => op is ConditionOperator.Exists or ConditionOperator.NotExists
        or ConditionOperator.IsEmpty or ConditionOperator.IsNotEmpty or ConditionOperator.IsBlank or ConditionOperator.IsNotBlank;
}
