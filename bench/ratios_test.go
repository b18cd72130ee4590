package bench

import (
	"math"
	"runtime"
	"testing"
	"time"
)

// BenchmarkRatios runs the contenders in turn on the same stream, in a
// rotating order, and reports each one's best time over the runs as a ratio:
// "X/encoding-json" is X's time per stream over the encoding/json
// baseline's (2 means half its throughput), and "openai-go/llmvcr" and "go-openai/llmvcr" are
// how many times faster llmvcr is. Taking the best of interleaved runs keeps
// the ratios steady on a busy machine, where BenchmarkDecode's averages
// swing with the load.
// ratioRounds is how many times each contender decodes the stream per
// benchmark iteration.
const ratioRounds = 15

func BenchmarkRatios(b *testing.B) {
	for _, s := range streams {
		b.Run(s.name, func(b *testing.B) {
			best := make([]time.Duration, len(decoders))
			for i := range best {
				best[i] = math.MaxInt64
			}
			for b.Loop() {
				for round := range ratioRounds {
					for k := range decoders {
						i := (k + round) % len(decoders)
						runtime.GC() // each contender pays for its own garbage only
						start := time.Now()
						if _, err := decoders[i].decode(s.body); err != nil {
							b.Fatal(err)
						}
						best[i] = min(best[i], time.Since(start))
					}
				}
			}
			by := map[string]float64{}
			for i, d := range decoders {
				by[d.name] = float64(best[i])
			}
			for _, d := range decoders[1:] {
				b.ReportMetric(by[d.name]/by["encoding-json"], d.name+"/encoding-json")
			}
			b.ReportMetric(by["openai-go"]/by["llmvcr"], "openai-go/llmvcr")
			b.ReportMetric(by["go-openai"]/by["llmvcr"], "go-openai/llmvcr")
		})
	}
}
