// Command mongo-server runs FerretDB (MongoDB wire protocol, SQLite storage) in the
// foreground for Portrait's tests and local runs. It embeds FerretDB's library package
// rather than `go install .../cmd/ferretdb`, whose binary panics at start-up because its
// version files are only generated at release time.
//
// Clients connect to --host:--port; commands pass one at a time to FerretDB on a private
// Unix socket (see serializer for why).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on (loopback by default)")
	port := flag.Int("port", 27017, "TCP port to listen on")
	data := flag.String("data", "", "directory for the SQLite files (required; created if missing)")
	level := flag.String("log-level", "error", "FerretDB log level: debug, info, warn or error")
	flag.Parse()

	if err := run(*host, *port, *data, *level); err != nil {
		fmt.Fprintln(os.Stderr, "mongo-server:", err)
		os.Exit(1)
	}
}

func run(host string, port int, data, level string) error {
	if data == "" {
		return fmt.Errorf("--data DIR is required")
	}
	dir, err := filepath.Abs(data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	// A short private path: Unix socket paths are limited to ~100 bytes.
	sockDir, err := os.MkdirTemp("", "mongo-server-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "ferretdb.sock")

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/", // the handler wants a directory URI with a trailing slash
	})
	if err != nil {
		return err
	}

	// SIGTERM/SIGINT cancel ctx; FerretDB then closes its connections and the SQLite files.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	if err := waitForSocket(sock, done); err != nil {
		return err
	}

	// Opened only once FerretDB accepts connections, so "port open" means "ready".
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		stop()
		<-done
		return err
	}
	go (&serializer{backend: sock, log: logger}).serve(l)
	fmt.Fprintf(os.Stderr, "mongo-server: FerretDB (sqlite) on mongodb://%s/ data=%s\n", addr, dir)

	<-ctx.Done()
	l.Close()
	return <-done
}

func waitForSocket(sock string, done <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(sock); err == nil {
			return nil
		}
		select {
		case err := <-done:
			return fmt.Errorf("FerretDB stopped at start-up: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("FerretDB did not open %s within 30s", sock)
}
