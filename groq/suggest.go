package groq

import (
	"encoding/json"
	"slices"
	"strings"
)

// This file ports pydantic-ai's model-name suggestion for a model Groq
// does not know (models/__init__.py, _suggest_known_model_name and
// _suggest_known_model_id_from_provider_error; called from models/groq.py
// _map_api_errors on a model_not_found error), with Python's
// difflib.get_close_matches underneath.

// knownModelIDs are the "groq:" ids of pydantic-ai's KnownModelName
// (models/_known_model_names.py at pydantic-ai 4fda38988f29), sorted.
var knownModelIDs = []string{
	"groq:llama-3.1-8b-instant",
	"groq:llama-3.3-70b-versatile",
	"groq:meta-llama/llama-4-maverick-17b-128e-instruct",
	"groq:meta-llama/llama-guard-4-12b",
	"groq:meta-llama/llama-prompt-guard-2-22m",
	"groq:meta-llama/llama-prompt-guard-2-86m",
	"groq:openai/gpt-oss-120b",
	"groq:openai/gpt-oss-20b",
	"groq:openai/gpt-oss-safeguard-20b",
	"groq:playai-tts",
	"groq:playai-tts-arabic",
	"groq:whisper-large-v3",
	"groq:whisper-large-v3-turbo",
}

// maxSuggestRunes bounds the model ids compared. A longer one can never
// reach the lowest cutoff (0.7) against a known id of at most 50 runes, so
// skipping it changes no answer; it also keeps difflib's autojunk rule
// (for sequences of 200 or more) out of play.
const maxSuggestRunes = 150

// suggestModelID returns the closest known "groq:" id for a model name Groq
// rejected as not found, or "" when none is close or it is the same id.
func suggestModelID(modelName string) string {
	modelID := "groq:" + modelName
	if len([]rune(modelID)) > maxSuggestRunes {
		return ""
	}
	s := suggestKnownModelName(modelID, modelName, knownModelIDs)
	if s == modelID {
		return ""
	}
	return s
}

// suggestKnownModelName is pydantic-ai's _suggest_known_model_name over ids
// that all have a provider prefix and are already sorted.
func suggestKnownModelName(model, modelName string, knownIDs []string) string {
	normalized := make([]string, len(knownIDs))
	names := make([]string, len(knownIDs))
	for i, id := range knownIDs {
		normalized[i] = strings.Replace(id, ":", "-", 1)
		_, names[i], _ = strings.Cut(id, ":")
	}
	normalizedModel := strings.Replace(model, ":", "-", 1)
	if m := closeMatch(normalizedModel, normalized, 0.9); m != "" {
		return knownIDs[slices.Index(normalized, m)]
	}
	m := closeMatch(modelName, names, 0.8)
	if m == "" {
		m = closeMatch(normalizedModel, names, 0.7)
	}
	if m == "" {
		return ""
	}
	for _, id := range knownIDs {
		if strings.HasSuffix(id, ":"+m) {
			return id
		}
	}
	return ""
}

// closeMatch is difflib.get_close_matches(word, possibilities, n=1,
// cutoff): the possibility with the highest ratio at or above cutoff, the
// greater string winning a tie (heapq.nlargest over (score, x) tuples).
func closeMatch(word string, possibilities []string, cutoff float64) string {
	best, bestScore := "", -1.0
	w := []rune(word)
	for _, x := range possibilities {
		r := ratio([]rune(x), w)
		if r < cutoff {
			continue
		}
		if r > bestScore || (r == bestScore && x > best) {
			best, bestScore = x, r
		}
	}
	return best
}

// ratio is difflib.SequenceMatcher(None, a, b).ratio(): twice the matched
// elements over the total length. Inputs are under 200 elements, so
// autojunk never applies and no element is junk.
func ratio(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	b2j := map[rune][]int{}
	for j, c := range b {
		b2j[c] = append(b2j[c], j)
	}
	matches := 0
	type span struct{ alo, ahi, blo, bhi int }
	queue := []span{{0, len(a), 0, len(b)}}
	for len(queue) > 0 {
		q := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		i, j, k := longestMatch(a, b2j, q.alo, q.ahi, q.blo, q.bhi)
		if k == 0 {
			continue
		}
		matches += k
		if q.alo < i && q.blo < j {
			queue = append(queue, span{q.alo, i, q.blo, j})
		}
		if i+k < q.ahi && j+k < q.bhi {
			queue = append(queue, span{i + k, q.ahi, j + k, q.bhi})
		}
	}
	return 2 * float64(matches) / float64(len(a)+len(b))
}

// longestMatch is SequenceMatcher.find_longest_match without junk: the
// longest block a[i:i+k] == b[j:j+k] in the ranges, the earliest in a, then
// in b, among equals.
func longestMatch(a []rune, b2j map[rune][]int, alo, ahi, blo, bhi int) (besti, bestj, bestk int) {
	besti, bestj = alo, blo
	j2len := map[int]int{}
	for i := alo; i < ahi; i++ {
		next := map[int]int{}
		for _, j := range b2j[a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j-1] + 1
			next[j] = k
			if k > bestk {
				besti, bestj, bestk = i-k+1, j-k+1, k
			}
		}
		j2len = next
	}
	return besti, bestj, bestk
}

// modelNotFoundSuggestion returns the suggestion for an error body whose
// error code is model_not_found, as pydantic-ai's _map_api_errors checks
// it (any status), or "".
func modelNotFoundSuggestion(modelName string, body []byte) string {
	var e struct {
		Error *struct {
			Code any `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error == nil || e.Error.Code != "model_not_found" {
		return ""
	}
	return suggestModelID(modelName)
}
