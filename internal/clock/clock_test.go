package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Real{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
	if err := (Real{}).Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	if err := (Real{}).Sleep(context.Background(), time.Microsecond); err != nil {
		t.Errorf("Sleep(1µs) = %v", err)
	}
	if d := time.Since((Real{}).Now()); d < 0 || d > time.Minute {
		t.Errorf("Now is %v away", d)
	}
}
