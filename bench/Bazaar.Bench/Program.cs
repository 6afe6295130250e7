using Bazaar.Bench;

return args switch
{
    ["flash-sale", .. var rest] => await FlashSale.RunAsync(BenchArgs.Parse(rest)),
    ["relevance", .. var rest] => await Relevance.RunAsync(BenchArgs.Parse(rest)),
    ["search-bench", .. var rest] => await SearchBench.RunAsync(BenchArgs.Parse(rest)),
    ["search-cost", .. var rest] => await SearchCost.RunAsync(BenchArgs.Parse(rest)),
    ["recommend-eval", .. var rest] => await RecommendEval.RunAsync(BenchArgs.Parse(rest)),
    ["home-bench", .. var rest] => await HomeBench.RunAsync(BenchArgs.Parse(rest)),
    ["chaos", .. var rest] => await Chaos.RunAsync(BenchArgs.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Bazaar.Bench -- <benchmark> [options]

          flash-sale --units 1000 --buyers 10000 --strategy row-lock|queue|gate --database sqlite|postgres
                     [--redis] [--nodes 1|2] [--concurrency 1000] [--json result.json]
                     [--checkout [--cpu-probe 200]]
          chaos --scenario kill-node|db-restart|db-outage|redis-loss|expiry-race|disk-full
                [--strategy gate|queue|row-lock] [--nodes 3] [--units 200] [--buyers 400] [--concurrency 64]
                [--fault-at 3] [--fault-for 8] [--deadline 180] [--no-publish] [--json result.json]
          recommend-eval --baskets baskets.csv [--json result.json]
          home-bench [--orders 100000] [--shoppers 40] [--requests 1000] [--json result.json]
          relevance  --products products.csv | --catalog bundled|<path>  --judgments judgments.csv
                     [--queries queries.tsv] [--json result.json] [--export products.tsv]
                     [--show-worst N] [--ranking "K1=1.2;B=0.75"] [--per-query scores.tsv] [--explain "q1|q2"]
                     [--sweep rankings.txt] [--dump top100.tsv]
          search-bench [--clients 32] [--seconds 20] [--probes 30] [--result-cache off|on|both] [--cache-entries 2000]
                       [--writes-per-second 2]
                       [--json result.json]
          search-cost [--data-dir DIR] [--rounds 3] [--json result.json]
        """);
    return 2;
}
