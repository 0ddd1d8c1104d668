// 1,000,000 round trips over two unbuffered channels between two
// goroutines: main sends N, N-1, ..., 1 on ping; the other goroutine answers
// each with V+1 on pong. Same work and check as bench/chan_pingpong.act.
package main

import (
	"fmt"
	"time"
)

const n = 1000000

func main() {
	start := time.Now()
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	sum := 0
	for i := n; i > 0; i-- {
		ping <- i
		sum += <-pong
	}
	close(ping)
	fmt.Printf("bench chan_pingpong us=%d check=%d\n", time.Since(start).Microseconds(), sum)
}
