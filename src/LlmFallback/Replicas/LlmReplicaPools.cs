using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// The replica pools of the providers whose <see cref="LlmProviderOptions.Replicas"/> are set: shared by every
/// <see cref="HttpClient"/> the factory makes for a provider (handlers are recycled, replica health is not), rebuilt
/// when a configuration reload changes the replicas, and readable for health checks and diagnostics. Resolve it from
/// the service provider once <c>AddLlmHttpClient</c> has been called.
/// </summary>
public sealed class LlmReplicaPools : IDisposable
{
    private readonly ConcurrentDictionary<string, ReplicaPoolSlot> _slots = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<LlmProviderOptions> _providers;
    private readonly Dictionary<string, string> _paths = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly IDisposable? _subscription;

    internal LlmReplicaPools(
        IOptionsMonitor<LlmProviderOptions> providers,
        IEnumerable<LlmProviderRegistration> registrations,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory)
    {
        _providers = providers;
        _time = timeProvider;
        _logger = loggerFactory?.CreateLogger("LlmFallback.Replicas");
        foreach (var r in registrations)
        {
            _paths.TryAdd(r.Name, r.ConfigurationPath);
        }

        _subscription = providers.OnChange(OnProviderChanged);
    }

    /// <summary>Gets a point-in-time view of a provider's replicas.</summary>
    /// <param name="providerName">The provider's name.</param>
    /// <returns>One entry per configured replica, in configuration order; empty when the provider has no replicas.</returns>
    public IReadOnlyList<LlmReplicaHealth> GetHealth(string providerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return GetSlot(providerName).Current?.GetHealth() ?? [];
    }

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    internal static LlmReplicaPools Create(IServiceProvider services) => new(
        services.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>(),
        services.GetServices<LlmProviderRegistration>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetService<ILoggerFactory>());

    internal ReplicaPoolSlot GetSlot(string providerName) =>
        _slots.GetOrAdd(providerName, static (name, self) => new ReplicaPoolSlot(self.Build(name, self._providers.Get(name))), this);

    private ReplicaPool? Build(string name, LlmProviderOptions options)
    {
        if (options.Replicas is not { Count: > 0 })
        {
            return null;
        }

        var path = _paths.TryGetValue(name, out var p) ? p : "Llm:Providers:" + name;
        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, path, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(LlmProviderOptions), errors);
        }

        return new ReplicaPool(name, path, options, _time, _logger);
    }

    private void OnProviderChanged(LlmProviderOptions options, string? name)
    {
        if (name is null || !_slots.TryGetValue(name, out var slot))
        {
            return;
        }

        // A reload of an unrelated key keeps the pool (and what it learned about its replicas).
        var shape = ReplicaPoolSlot.Shape(options);
        if (shape != slot.CurrentShape)
        {
            slot.Replace(Build(name, options), shape);
        }
    }
}

/// <summary>A provider's current pool; replaced (never mutated) when a reload changes the replicas.</summary>
internal sealed class ReplicaPoolSlot
{
    private ReplicaPool? _current;

    public ReplicaPoolSlot(ReplicaPool? pool)
    {
        _current = pool;
        CurrentShape = pool is null ? string.Empty : pool.Shape;
    }

    public ReplicaPool? Current => Volatile.Read(ref _current);

    public string CurrentShape { get; private set; }

    public static string Shape(LlmProviderOptions options)
    {
        if (options.Replicas is not { Count: > 0 } replicas)
        {
            return string.Empty;
        }

        var health = options.ReplicaHealth ?? new();
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{options.Balancing}|{options.Endpoint}|{health.ConsecutiveFailures}|{health.BaseEjectionTime}|{health.MaxEjectionTime}");
        foreach (var r in replicas)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{r?.Endpoint} {r?.Weight}");
        }

        return text.ToString();
    }

    public void Replace(ReplicaPool? pool, string shape)
    {
        CurrentShape = shape;
        Volatile.Write(ref _current, pool);
    }
}
