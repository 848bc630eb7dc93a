/**
 * The attachment half of the Memos REST client [F3–F5]: creating an attachment under a
 * client-chosen id, reading and deleting one, and downloading its bytes from the file
 * server. Part of the API boundary (with http-client.ts): the only code that knows these
 * URLs and status codes. Invariants:
 *  - An upload's body is JSON with the content in base64 (the REST gateway has no binary
 *    upload in v0.30), built as a Blob of chunks so a 30 MiB file never becomes one 40 MiB
 *    string.
 *  - A download is refused unless the server answered 200 with a body; its type is the
 *    attachment's, never the response's (the file server may say octet-stream).
 */
import { type AttachmentInfo, type AttachmentName, attachmentUidOf } from '../core/attachments';
import {
  type ApiFailure,
  type ApiResult,
  type FileVariant,
  fail,
  type NewAttachmentUpload,
  ok,
} from './types';
import { parseAttachment } from './validate';

export interface RawJson {
  status: number;
  body: unknown;
}

export interface AttachmentTransport {
  /** JSON request with the client's auth, timeout and failure classification. */
  json(method: string, path: string, body?: BodyInit): Promise<ApiResult<RawJson>>;
  /** A binary GET with the client's auth and failure classification. */
  binary(path: string): Promise<ApiResult<Blob>>;
}

const CHUNK = 3 * 16 * 1024;

/** Base64 of `bytes` as a list of strings (each a whole number of 3-byte groups). */
async function base64Chunks(bytes: Blob): Promise<string[]> {
  const data = new Uint8Array(await bytes.arrayBuffer());
  const chunks: string[] = [];
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const slice = data.subarray(offset, Math.min(offset + CHUNK, data.length));
    let binary = '';
    for (let i = 0; i < slice.length; i++) binary += String.fromCharCode(slice[i] ?? 0);
    chunks.push(btoa(binary));
  }
  return chunks;
}

function attachmentResult(raw: ApiResult<RawJson>): ApiResult<AttachmentInfo> {
  if (!raw.ok) return raw;
  const info = parseAttachment(raw.value.body);
  return info.ok ? ok(info.value) : fail({ kind: 'server', message: `malformed attachment: ${info.reason}` });
}

const attachmentPath = (name: AttachmentName) =>
  `/api/v1/attachments/${encodeURIComponent(attachmentUidOf(name))}`;

export function attachmentRequests(transport: AttachmentTransport) {
  return {
    async createAttachment(uid: string, upload: NewAttachmentUpload): Promise<ApiResult<AttachmentInfo>> {
      const head = `{"filename":${JSON.stringify(upload.filename)},"type":${JSON.stringify(upload.type)},"content":"`;
      const body = new Blob([head, ...(await base64Chunks(upload.bytes)), '"}'], {
        type: 'application/json',
      });
      return attachmentResult(
        await transport.json('POST', `/api/v1/attachments?attachmentId=${encodeURIComponent(uid)}`, body),
      );
    },
    async getAttachment(name: AttachmentName): Promise<ApiResult<AttachmentInfo>> {
      return attachmentResult(await transport.json('GET', attachmentPath(name)));
    },
    async deleteAttachment(name: AttachmentName): Promise<ApiResult<void>> {
      const raw = await transport.json('DELETE', attachmentPath(name));
      return raw.ok ? ok(undefined) : raw;
    },
    async downloadAttachment(info: AttachmentInfo, variant: FileVariant): Promise<ApiResult<Blob>> {
      const path = `/file/attachments/${encodeURIComponent(attachmentUidOf(info.name))}/${encodeURIComponent(info.filename)}${variant === 'thumbnail' ? '?thumbnail=true' : ''}`;
      const blob = await transport.binary(path);
      if (!blob.ok) return blob;
      const type = variant === 'thumbnail' ? blob.value.type || 'image/jpeg' : info.type;
      return ok(new Blob([blob.value], { type }));
    },
  };
}

export type { ApiFailure };
