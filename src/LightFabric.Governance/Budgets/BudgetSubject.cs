using LightFabric.Governance.Calls;

namespace LightFabric.Governance.Budgets;

/// <summary>
/// What a budget is keyed by. <c>auto</c>: a verified principal's <c>client_id</c>, else its <c>sub</c>, else its
/// <c>user_id</c> (Basic), else the presented credential's token id; <c>token</c>: the token id (first 12 hex digits of
/// the SHA-256 of the credential); <c>claim:NAME</c>: that claim of a verified principal. A caller without one has no
/// budget.
/// </summary>
public abstract record BudgetSubject
{
    public const string Names = "auto, token, claim:<name>";

    public static BudgetSubject Auto { get; } = new AutoSubject();

    public static BudgetSubject Token { get; } = new TokenSubject();

    public abstract string? Of(CallCaller caller);

    public static bool TryParse(string? text, out BudgetSubject subject)
    {
        var trimmed = text?.Trim() ?? "";
        switch (trimmed)
        {
            case "" or "auto":
                subject = Auto;
                return true;
            case "token":
                subject = Token;
                return true;
        }

        if (trimmed.StartsWith("claim:", StringComparison.Ordinal) && trimmed.Length > "claim:".Length)
        {
            subject = new ClaimSubject(trimmed["claim:".Length..].Trim());
            return true;
        }

        subject = Auto;
        return false;
    }

    private sealed record AutoSubject : BudgetSubject
    {
        public override string? Of(CallCaller caller) =>
            caller.Authenticated ? caller.ClientId ?? caller.Sub ?? caller.Claim("user_id") ?? caller.TokenId : caller.TokenId;

        public override string ToString() => "auto";
    }

    private sealed record TokenSubject : BudgetSubject
    {
        public override string? Of(CallCaller caller) => caller.TokenId;

        public override string ToString() => "token";
    }

    private sealed record ClaimSubject(string Name) : BudgetSubject
    {
        public override string? Of(CallCaller caller) => caller.Authenticated ? caller.Claim(Name) : null;

        public override string ToString() => $"claim:{Name}";
    }
}
