package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// FerretDB 1.x's SQLite handler runs update, findAndModify and delete as "query, then
// write by _id" outside a transaction (FerretDB issue #3040), so two connections racing
// on one document both win: lost $inc, two winners of a conditional update. MongoDB makes
// every single-document write atomic and Portrait relies on that (refresh-token rotation,
// rate-limit counters, avatar swaps). serializer restores it by letting one command at a
// time reach FerretDB. Each client connection keeps its own FerretDB connection, so cursors
// and sessions behave as before; FerretDB answers every request with exactly one reply.
type serializer struct {
	backend string // FerretDB's Unix socket
	mu      sync.Mutex
	log     *slog.Logger
}

const (
	opQuery        = 2004
	opMsg          = 2013
	maxMessageSize = 48 << 20 // MongoDB's maxMessageSizeBytes
)

// unlocked are handshake and monitoring commands: read-only and frequent, so they skip the lock.
var unlocked = map[string]bool{
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true,
	"buildinfo": true, "endSessions": true,
}

func (s *serializer) serve(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Error("accept", "err", err)
			}
			return
		}
		go s.relay(client)
	}
}

func (s *serializer) relay(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial("unix", s.backend)
	if err != nil {
		s.log.Error("dial FerretDB", "err", err)
		return
	}
	defer backend.Close()

	for {
		req, err := readMessage(client)
		if err != nil {
			return // client went away (or sent garbage): drop both ends
		}
		res, err := s.roundTrip(backend, req)
		if err != nil {
			s.log.Error("FerretDB round trip", "err", err)
			return
		}
		if _, err := client.Write(res); err != nil {
			return
		}
	}
}

func (s *serializer) roundTrip(backend net.Conn, req []byte) ([]byte, error) {
	if !unlocked[commandName(req)] {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	if _, err := backend.Write(req); err != nil {
		return nil, err
	}
	return readMessage(backend)
}

// readMessage reads one whole wire-protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	size := int(int32(binary.LittleEndian.Uint32(header[:4])))
	if size < len(header) || size > maxMessageSize {
		return nil, fmt.Errorf("bad message length %d", size)
	}
	msg := make([]byte, size)
	copy(msg, header[:])
	_, err := io.ReadFull(r, msg[len(header):])
	return msg, err
}

// commandName returns the first key of an OP_MSG's body section, or "" when the message
// is of another kind or shaped differently (such messages take the lock: safe default).
func commandName(msg []byte) string {
	if int32(binary.LittleEndian.Uint32(msg[12:16])) != opMsg {
		return ""
	}
	// header(16) flagBits(4) kind(1) docLength(4) elementType(1) then the name (cstring)
	const nameAt = 16 + 4 + 1 + 4 + 1
	if len(msg) <= nameAt || msg[20] != 0 {
		return ""
	}
	end := bytes.IndexByte(msg[nameAt:], 0)
	if end < 0 {
		return ""
	}
	return string(msg[nameAt : nameAt+end])
}
