using System.Text.Json;
using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Hosting;
using LlmFallback.Samples.Gateway.Mapping;
using LlmFallback.Samples.Gateway.Wire;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c>: reads and checks the request, says who is calling, sends it down the pipeline,
/// and writes the answer (JSON, or server-sent events when <c>stream</c> is set) or OpenAI's error.
/// </summary>
internal sealed partial class ChatCompletionsEndpoint(IChatClient chat, ModelCatalog catalog, IOptions<GatewayOptions> options, TimeProvider time, ILogger<ChatCompletionsEndpoint> logger)
{
    private readonly bool _exposeCallInfo = options.Value.ExposeCallInfo;

    public async Task HandleAsync(HttpContext context)
    {
        ChatCompletionRequest request;
        List<ChatMessage> messages;
        ChatOptions chatOptions;
        try
        {
            request = await ReadAsync(context).ConfigureAwait(false);
            (messages, chatOptions) = RequestMapper.Map(request);
            Authorize(context, request.Model!);
            CallerIdentity.Apply(context.User, request.User, chatOptions);
        }
        catch (GatewayRequestException e)
        {
            await ErrorWriter.WriteAsync(context, ErrorMapper.Map(e)).ConfigureAwait(false);
            return;
        }

        var call = new Call(NewId(), time.GetUtcNow().ToUnixTimeSeconds(), request.Model!, request.StreamOptions?.IncludeUsage == true);
        if (request.Stream == true)
        {
            await StreamAsync(context, messages, chatOptions, call).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, messages, chatOptions, call).ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(HttpContext context, List<ChatMessage> messages, ChatOptions chatOptions, Call call)
    {
        var aborted = context.RequestAborted;
        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, chatOptions, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        var info = response.GetLlmCallInfo();
        if (_exposeCallInfo)
        {
            CallInfoMapper.WriteHeaders(context.Response, info);
        }

        var body = ResponseMapper.ToCompletion(response, call.Id, call.Created, info?.ModelId ?? response.ModelId ?? call.Model);
        await context.Response.WriteAsJsonAsync(body, GatewayJsonContext.Default.ChatCompletionResponse, "application/json", aborted).ConfigureAwait(false);
    }

    /// <summary>Reads the body; malformed JSON is a 400, a body over the size limit a 413.</summary>
    private static async Task<ChatCompletionRequest> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, GatewayJsonContext.Default.ChatCompletionRequest, context.RequestAborted).ConfigureAwait(false)
                ?? throw new GatewayRequestException(400, "The request body must be a JSON object.", code: "invalid_json");
        }
        catch (JsonException)
        {
            throw new GatewayRequestException(400, "We could not parse the JSON body of your request.", code: "invalid_json");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new GatewayRequestException(413, "The request body is too large.", code: "request_too_large");
        }
    }

    /// <summary>404 for a model nothing serves, 403 for one this caller's key may not use.</summary>
    private void Authorize(HttpContext context, string model)
    {
        if (!catalog.IsKnown(model))
        {
            var error = ModelsEndpoint.NotFound(model);
            throw new GatewayRequestException(error.Status, error.Message, error.Param, error.Code);
        }

        if (!CallerIdentity.MayUse(context.User, model))
        {
            throw new GatewayRequestException(403, "This API key is not allowed to use this model.", "model", "model_not_allowed");
        }
    }

    /// <summary>A request that failed before any of its answer was sent: logged, and answered with the OpenAI error body.</summary>
    private Task FailAsync(HttpContext context, Exception exception)
    {
        var error = ErrorMapper.Map(exception);
        if (error.Status >= 500 && error.Code == "internal_error")
        {
            GatewayLog.Unexpected(logger, exception);
        }
        else
        {
            GatewayLog.RequestFailed(logger, error.Status, error.Code, exception.GetType().Name);
        }

        return ErrorWriter.WriteAsync(context, error);
    }

    private static string NewId() => "chatcmpl-" + Guid.CreateVersion7().ToString("N");

    /// <summary>What every chunk or answer of one request repeats.</summary>
    private sealed record Call(string Id, long Created, string Model, bool IncludeUsage);
}
