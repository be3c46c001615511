using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LlmFallback.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
