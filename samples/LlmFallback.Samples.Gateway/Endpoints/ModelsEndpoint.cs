using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{model}</c>: what the caller may name in <c>model</c>.</summary>
internal sealed class ModelsEndpoint(ModelCatalog catalog)
{
    public Task ListAsync(HttpContext context)
    {
        var data = new List<ModelEntry>(catalog.Entries.Count);
        foreach (var entry in catalog.Entries)
        {
            if (CallerIdentity.MayUse(context.User, entry.Id))
            {
                data.Add(entry);
            }
        }

        return context.Response.WriteAsJsonAsync(new ModelList { Data = data }, GatewayJsonContext.Default.ModelList, "application/json", context.RequestAborted);
    }

    public Task GetAsync(HttpContext context)
    {
        var model = context.Request.RouteValues["model"] as string ?? string.Empty;
        return catalog.Find(model) is { } entry && CallerIdentity.MayUse(context.User, entry.Id)
            ? context.Response.WriteAsJsonAsync(entry, GatewayJsonContext.Default.ModelEntry, "application/json", context.RequestAborted)
            : ErrorWriter.WriteAsync(context, NotFound(model));
    }

    public static GatewayError NotFound(string model) =>
        new(404, "invalid_request_error", "model_not_found", $"The model '{Truncate(model)}' does not exist or you do not have access to it.", "model");

    /// <summary>Echoes at most 64 characters of the caller's own model name.</summary>
    private static string Truncate(string model) => model.Length <= 64 ? model : model[..64] + "...";
}
