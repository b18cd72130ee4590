package llm

import (
	"maps"
	"time"
)

// Usage counts what one or more requests consumed.
type Usage struct {
	Requests         int            // number of requests counted
	InputTokens      int            // prompt tokens
	OutputTokens     int            // completion tokens
	CacheReadTokens  int            // prompt tokens served from cache
	CacheWriteTokens int            // prompt tokens written to cache
	ReasoningTokens  int            // completion tokens spent reasoning
	Details          map[string]int // other integer counters the provider reports
	Timings          Timings        // server-side timings, where the provider reports them
}

// Timings are server-side durations (Groq's queue_time, prompt_time,
// completion_time and total_time).
type Timings struct {
	Queue      time.Duration // waiting in the queue
	Prompt     time.Duration // processing the prompt
	Completion time.Duration // generating the completion
	Total      time.Duration // prompt plus completion
}

// TotalTokens returns InputTokens + OutputTokens.
func (u Usage) TotalTokens() int { return u.InputTokens + u.OutputTokens }

// IsZero reports whether nothing was counted.
func (u Usage) IsZero() bool {
	return u.Requests == 0 && u.InputTokens == 0 && u.OutputTokens == 0 && u.CacheReadTokens == 0 &&
		u.CacheWriteTokens == 0 && u.ReasoningTokens == 0 && len(u.Details) == 0 && u.Timings == (Timings{})
}

// Add adds o to u, counter by counter.
func (u *Usage) Add(o Usage) {
	u.Requests += o.Requests
	u.InputTokens += o.InputTokens
	u.OutputTokens += o.OutputTokens
	u.CacheReadTokens += o.CacheReadTokens
	u.CacheWriteTokens += o.CacheWriteTokens
	u.ReasoningTokens += o.ReasoningTokens
	if len(o.Details) > 0 {
		if u.Details == nil {
			u.Details = maps.Clone(o.Details)
		} else {
			for k, v := range o.Details {
				u.Details[k] += v
			}
		}
	}
	u.Timings.Queue += o.Timings.Queue
	u.Timings.Prompt += o.Timings.Prompt
	u.Timings.Completion += o.Timings.Completion
	u.Timings.Total += o.Timings.Total
}
