// 100 senders each send 10,000 values through one 1024-slot buffered
// channel to one receiver (main), which sums all 1,000,000. Same work and
// check as bench/chan_buffered.act.
package main

import (
	"fmt"
	"time"
)

const senders, perSender, capacity = 100, 10000, 1024

func main() {
	start := time.Now()
	c := make(chan int, capacity)
	for s := 0; s < senders; s++ {
		go func() {
			for i := perSender; i > 0; i-- {
				c <- i
			}
		}()
	}
	sum := 0
	for k := 0; k < senders*perSender; k++ {
		sum += <-c
	}
	fmt.Printf("bench chan_buffered us=%d check=%d\n", time.Since(start).Microseconds(), sum)
}
