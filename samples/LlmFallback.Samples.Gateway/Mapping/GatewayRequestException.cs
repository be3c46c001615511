namespace LlmFallback.Samples.Gateway.Mapping;

/// <summary>A request the gateway refuses before calling the pipeline; becomes an OpenAI error with this status.</summary>
internal sealed class GatewayRequestException : Exception
{
    public GatewayRequestException(int statusCode, string message, string? param = null, string? code = null, string type = "invalid_request_error")
        : base(message)
    {
        StatusCode = statusCode;
        Param = param;
        Code = code;
        Type = type;
    }

    public GatewayRequestException()
    {
    }

    public GatewayRequestException(string message)
        : base(message)
    {
    }

    public GatewayRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; } = 400;

    public string? Param { get; }

    public string? Code { get; }

    public string Type { get; } = "invalid_request_error";

    /// <summary>A 400 naming the invalid parameter.</summary>
    public static GatewayRequestException Invalid(string param, string message, string code = "invalid_value") => new(400, message, param, code);
}
