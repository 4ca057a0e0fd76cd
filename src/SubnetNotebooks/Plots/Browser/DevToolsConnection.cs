using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SubnetNotebooks.Plots.Browser;

/// <summary>
/// One WebSocket to a browser's Chrome DevTools protocol endpoint: commands answered by id, events handed to
/// the listener of their session (pages attach with flatten = true, so every message carries its sessionId).
/// </summary>
sealed class DevToolsConnection : IAsyncDisposable
{
    readonly ClientWebSocket _socket = new();
    readonly SemaphoreSlim _sending = new(1, 1);
    readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    readonly ConcurrentDictionary<string, Action<string, JsonElement>> _listeners = new();
    readonly CancellationTokenSource _closing = new();
    Task? _receiving;
    int _nextId;

    /// <summary>Connects to <paramref name="endpoint"/> (ws://127.0.0.1:PORT/devtools/browser/ID).</summary>
    public static async Task<DevToolsConnection> ConnectAsync(Uri endpoint, CancellationToken cancellation)
    {
        var connection = new DevToolsConnection();
        connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection._socket.ConnectAsync(endpoint, cancellation);
        connection._receiving = Task.Run(connection.ReceiveLoop);
        return connection;
    }

    /// <summary>Hands every event of <paramref name="sessionId"/> (method, params) to <paramref name="listener"/>.</summary>
    public void Listen(string sessionId, Action<string, JsonElement> listener) => _listeners[sessionId] = listener;

    /// <summary>Stops handing events of <paramref name="sessionId"/> to its listener.</summary>
    public void Forget(string sessionId) => _listeners.TryRemove(sessionId, out _);

    /// <summary>Sends one command and returns its result, or throws with the protocol's error message.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters, string? sessionId, TimeSpan timeout)
    {
        int id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }) };
        if (sessionId is not null) message["sessionId"] = sessionId;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync();
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, _closing.Token); }
        finally { _sending.Release(); }
        var done = await Task.WhenAny(answer.Task, Task.Delay(timeout));
        if (done != answer.Task)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"Chromium did not answer {method} within {timeout.TotalSeconds:F0} s.");
        }
        return await answer.Task;
    }

    async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                Dispatch(JsonDocument.Parse(message.ToArray()).RootElement);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var waiting in _pending.Values) waiting.TrySetException(new IOException("The connection to Chromium closed."));
    }

    void Dispatch(JsonElement root)
    {
        if (root.TryGetProperty("id", out var id))
        {
            if (!_pending.TryRemove(id.GetInt32(), out var answer)) return;
            if (root.TryGetProperty("error", out var error))
                answer.TrySetException(new InvalidOperationException($"Chromium: {error.GetProperty("message").GetString()} {(error.TryGetProperty("data", out var d) ? d.ToString() : "")}".Trim()));
            else answer.TrySetResult(root.GetProperty("result").Clone());
            return;
        }
        if (root.TryGetProperty("sessionId", out var session) && _listeners.TryGetValue(session.GetString()!, out var listener))
            listener(root.GetProperty("method").GetString()!, root.TryGetProperty("params", out var p) ? p.Clone() : default);
    }

    /// <summary>Closes the socket and ends the receive loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        if (_receiving is not null) await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _closing.Dispose();
    }
}
