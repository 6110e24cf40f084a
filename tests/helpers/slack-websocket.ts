import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A minimal RFC 6455 server side for the fake Slack's Socket Mode endpoint: handshake, text frames out,
 * masked text frames in (fragmentation not needed: Slack clients send small JSON acks), ping -> pong, close.
 */
export interface FakeSocket {
  sendJson(value: unknown): void;
  received: unknown[];
  close(): void;
  readonly open: boolean;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

export function acceptWebSocket(req: IncomingMessage, socket: Duplex, onMessage: (value: unknown) => void): FakeSocket {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
  const received: unknown[] = [];
  let open = true;
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let guard = 0; guard < 1000 && buffer.length >= 2; guard++) {
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let len = buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLen = masked ? 4 : 0;
      if (buffer.length < offset + maskLen + len) return;
      const mask = masked ? buffer.subarray(offset, offset + 4) : null;
      const payload = Buffer.from(buffer.subarray(offset + maskLen, offset + maskLen + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffer = buffer.subarray(offset + maskLen + len);
      if (opcode === 0x1) {
        try {
          const value = JSON.parse(payload.toString('utf8'));
          received.push(value);
          onMessage(value);
        } catch {
          received.push(payload.toString('utf8'));
        }
      } else if (opcode === 0x9) {
        socket.write(frame(0xa, payload));
      } else if (opcode === 0x8) {
        if (open) socket.end(frame(0x8, Buffer.alloc(0)));
        open = false;
      }
    }
  });
  socket.on('close', () => {
    open = false;
  });
  socket.on('error', () => {
    open = false;
  });
  return {
    received,
    get open() {
      return open;
    },
    sendJson(value) {
      if (open) socket.write(frame(0x1, Buffer.from(JSON.stringify(value), 'utf8')));
    },
    close() {
      if (open) socket.end(frame(0x8, Buffer.alloc(0)));
      open = false;
      socket.destroy();
    },
  };
}
