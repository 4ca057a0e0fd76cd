namespace SubnetNotebooks.Tests;

/// <summary>
/// A test class whose every test gets a new empty folder of its own under the system's temporary folder (xunit makes an
/// instance per test), deleted with everything in it when the test ends.
/// </summary>
/// <param name="prefix">the start of the folder's name, saying which tests made it</param>
public abstract class InTempFolder(string prefix) : IDisposable
{
    /// <summary>The test's folder.</summary>
    protected readonly string _dir = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <inheritdoc/>
    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
