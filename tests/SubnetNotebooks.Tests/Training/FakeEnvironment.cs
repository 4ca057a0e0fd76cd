namespace SubnetNotebooks.Tests.Training;

/// <summary>An environment lookup with only the given variables set, for code that reads settings through a Func.</summary>
static class FakeEnvironment
{
    public static Func<string, string?> Of(params (string Key, string Value)[] set) =>
        key => set.FirstOrDefault(s => s.Key == key).Value;
}
