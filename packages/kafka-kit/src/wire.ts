import { KafkaKitError } from "./errors.js";

/**
 * The Confluent wire format, as pure functions: one magic byte (0), the schema id as a
 * 4-byte big-endian integer, then the payload (here: UTF-8 JSON). No registry, no broker.
 */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

export function encodeWire(schemaId: number, payload: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new RangeError(`schema id out of range: ${schemaId}`);
  const out = Buffer.alloc(WIRE_HEADER_BYTES + payload.byteLength);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeUInt32BE(schemaId, 1);
  out.set(payload, WIRE_HEADER_BYTES);
  return out;
}

export function decodeWire(message: Uint8Array | null | undefined): { schemaId: number; payload: Buffer } {
  if (!message || message.byteLength === 0) throw new KafkaKitError("WIRE_FORMAT", "empty message: expected the registry wire format (magic byte, schema id, payload)");
  const buffer = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (buffer.byteLength < WIRE_HEADER_BYTES) throw new KafkaKitError("WIRE_FORMAT", `message of ${buffer.byteLength} bytes is shorter than the 5-byte wire header`);
  const magic = buffer.readUInt8(0);
  if (magic !== MAGIC_BYTE) throw new KafkaKitError("WIRE_FORMAT", `expected magic byte 0, got ${magic}: not encoded through the schema registry`);
  return { schemaId: buffer.readUInt32BE(1), payload: buffer.subarray(WIRE_HEADER_BYTES) };
}
