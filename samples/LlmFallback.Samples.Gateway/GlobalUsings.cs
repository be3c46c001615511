global using LlmFallback;
global using Microsoft.Extensions.AI;
