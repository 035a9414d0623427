import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, ValidationError } from '../../errors/app-error';

export interface UploadedFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}

/**
 * Reads the one file of a `multipart/form-data` request (field `file`) into memory, refusing
 * anything above `maxBytes` with a 413 before buffering more.
 */
export function readSingleFileUpload(req: Request, maxBytes: number): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(
        new AppError(
          'unsupported_media_type',
          'Send the file as multipart/form-data (field "file")',
        ),
      );
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 10 },
      });
    } catch {
      reject(new ValidationError([{ field: 'body', message: 'is not a valid multipart body' }]));
      return;
    }
    let upload: Promise<UploadedFile> | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || upload) {
        stream.resume();
        return;
      }
      upload = new Promise((resolveFile, rejectFile) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () =>
          rejectFile(
            new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes`),
          ),
        );
        stream.on('error', rejectFile);
        stream.on('close', () => {
          if ((stream as { truncated?: boolean }).truncated) return;
          resolveFile({
            fileName: info.filename ?? '',
            contentType: info.mimeType,
            content: Buffer.concat(chunks),
          });
        });
      });
      // Reported when the whole body is read (below); keep the rejection from going unhandled.
      upload.catch(() => undefined);
    });
    parser.on('error', () =>
      reject(new ValidationError([{ field: 'body', message: 'is not a valid multipart body' }])),
    );
    parser.on('close', () => {
      if (!upload) {
        reject(new ValidationError([{ field: 'body.file', message: 'is required' }]));
        return;
      }
      upload.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
