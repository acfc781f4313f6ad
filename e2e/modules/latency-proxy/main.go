// latency-proxy: a TCP proxy that delays each direction of every connection by a fixed time, to
// give the local environment's member clusters the round-trip time of remote ones.
//
//	latency-proxy -delay 50ms -route 127.0.10.2:7443=127.0.10.2:6443 [-route ...]
//
// Each -route listens on the left address and forwards to the right one. Bytes read from one side
// are written to the other `delay` after they were read (one-way delay; RTT = 2 × delay), in order
// and without limiting throughput: a reader stamps each chunk and queues it, a writer sends it when
// its time comes. TLS passes through untouched, so a member's IP-based serving certificate stays
// valid on the proxy's port. SIGTERM/SIGINT stop it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

type routes []string

func (r *routes) String() string     { return strings.Join(*r, ",") }
func (r *routes) Set(v string) error { *r = append(*r, v); return nil }

// chunk is what one read returned, with the time it may be written (data nil: the reader is done).
type chunk struct {
	due  time.Time
	data []byte
}

// pipe copies src to dst, each chunk `delay` after it was read; at src's end it half-closes dst.
func pipe(dst, src net.Conn, delay time.Duration, done *sync.WaitGroup) {
	defer done.Done()
	queue := make(chan chunk, 4096)
	go func() {
		for {
			buf := make([]byte, 32*1024)
			n, err := src.Read(buf)
			if n > 0 {
				queue <- chunk{due: time.Now().Add(delay), data: buf[:n]}
			}
			if err != nil {
				queue <- chunk{due: time.Now().Add(delay)}
				close(queue)
				return
			}
		}
	}()
	for c := range queue {
		if wait := time.Until(c.due); wait > 0 {
			time.Sleep(wait)
		}
		if c.data == nil {
			break
		}
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	// Drain whatever the reader still queues, so that it never blocks.
	go func() {
		for range queue {
		}
	}()
}

func serve(listen, target string, delay time.Duration) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	log.Printf("%s -> %s, %v each way (RTT %v)", listen, target, delay, 2*delay)
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				log.Printf("accept on %s: %v", listen, err)
				return
			}
			go func() {
				server, err := net.DialTimeout("tcp", target, 10*time.Second)
				if err != nil {
					log.Printf("dial %s: %v", target, err)
					client.Close()
					return
				}
				var done sync.WaitGroup
				done.Add(2)
				go pipe(server, client, delay, &done)
				go pipe(client, server, delay, &done)
				done.Wait()
				client.Close()
				server.Close()
			}()
		}
	}()
	return nil
}

func main() {
	var rs routes
	delay := flag.Duration("delay", 0, "delay of each direction (RTT/2)")
	flag.Var(&rs, "route", "LISTEN=TARGET (host:port each); repeatable")
	flag.Parse()
	if len(rs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: latency-proxy -delay 50ms -route 127.0.10.2:7443=127.0.10.2:6443 [-route ...]")
		os.Exit(2)
	}
	for _, r := range rs {
		listen, target, ok := strings.Cut(r, "=")
		if !ok {
			log.Fatalf("-route %q: want LISTEN=TARGET", r)
		}
		if err := serve(listen, target, *delay); err != nil {
			log.Fatalf("-route %q: %v", r, err)
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
