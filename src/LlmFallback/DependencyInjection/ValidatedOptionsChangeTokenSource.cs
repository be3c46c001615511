using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace LlmFallback;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> that options bound from configuration changed, but only once the new
/// values bind and validate. An invalid reload (a value that does not convert, as <c>"many"</c> for a number, or one
/// a validator refuses) is logged and not announced, so every consumer keeps the last valid values.
/// </summary>
/// <remarks>
/// The stock configuration change source announces every reload; the monitor then rebuilds the options, its
/// validators throw into the code that reloaded the configuration (a file watcher, <c>IConfigurationRoot.Reload</c>),
/// nothing is logged, and every later read of the monitor throws until the configuration is fixed.
/// </remarks>
internal sealed class ValidatedOptionsChangeTokenSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>
    : IOptionsChangeTokenSource<TOptions>, IDisposable
    where TOptions : class
{
    private readonly IServiceProvider _services;
    private readonly string _configurationPath;
    private readonly IDisposable _subscription;
    private CancellationTokenSource _changed = new();

    public ValidatedOptionsChangeTokenSource(string name, IConfiguration configuration, string configurationPath, IServiceProvider services)
    {
        Name = name;
        _services = services;
        _configurationPath = configurationPath;
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, OnConfigurationReloaded);
    }

    public string Name { get; }

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose() => _subscription.Dispose();

    private void OnConfigurationReloaded()
    {
        try
        {
            _services.GetRequiredService<IOptionsFactory<TOptions>>().Create(Name);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or ArgumentException)
        {
            // The binder throws InvalidOperationException (naming the key) for a value it cannot convert; left to
            // propagate, it would reach the code that reloaded the configuration, unlogged.
            if (_services.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                Log.ConfigurationReloadRejected(loggerFactory.CreateLogger("LlmFallback.Configuration"), _configurationPath, ex.Message);
            }

            return;
        }

        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
