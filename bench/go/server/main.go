// The seed's Go server (course sections 5.6 and 5.9), written for chanlab as the reference the
// Rust server lesson is measured against: `/` echoes the path and counts the request behind a
// mutex, `/count` reports the count, `/lissajous` draws gopl's animated figure.
//
// Build and run from bench/go:
//
//	go build -o /tmp/goserver ./server && /tmp/goserver -addr 127.0.0.1:8001
//
// then load it the same way as the Rust server, e.g. `wrk -t2 -c64 -d10s http://127.0.0.1:8001/`.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"log"
	"math"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
)

var (
	mu    sync.Mutex
	count int
)

func main() {
	addr := flag.String("addr", "localhost:8000", "address to listen on")
	flag.Parse()
	http.HandleFunc("/", echo)
	http.HandleFunc("/count", counter)
	http.HandleFunc("/lissajous", func(w http.ResponseWriter, r *http.Request) {
		cycles := 5
		if s := r.FormValue("cycles"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 20 {
				http.Error(w, "cycles must be a whole number from 1 to 20", http.StatusBadRequest)
				return
			}
			cycles = n
		}
		w.Header().Set("Content-Type", "image/gif")
		lissajous(w, cycles)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// echo counts the request and answers with its path, quoted.
func echo(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	count++
	mu.Unlock()
	fmt.Fprintf(w, "URL.Path = %q\n", r.URL.Path)
}

// counter reports how many requests echo has answered.
func counter(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	n := count
	mu.Unlock()
	fmt.Fprintf(w, "Count %d\n", n)
}

var palette = []color.Color{color.White, color.Black}

// lissajous writes an animated GIF of a Lissajous figure with a random frequency ratio: the
// seed's constants, 201x201 pixels, 64 frames of 80 ms.
func lissajous(out io.Writer, cycles int) {
	const (
		res     = 0.001
		size    = 100
		nframes = 64
		delay   = 8
	)
	freq := rand.Float64() * 3.0
	anim := gif.GIF{LoopCount: nframes}
	phase := 0.0
	for i := 0; i < nframes; i++ {
		img := image.NewPaletted(image.Rect(0, 0, 2*size+1, 2*size+1), palette)
		for t := 0.0; t < float64(cycles)*2*math.Pi; t += res {
			x := math.Sin(t)
			y := math.Sin(t*freq + phase)
			img.SetColorIndex(size+int(x*size+0.5), size+int(y*size+0.5), 1)
		}
		phase += 0.1
		anim.Delay = append(anim.Delay, delay)
		anim.Image = append(anim.Image, img)
	}
	gif.EncodeAll(out, &anim)
}
