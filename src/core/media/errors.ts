// What can go wrong in the media store, in protocol-neutral words. The Matrix side maps these to
// M_* codes and HTTP statuses, the XMPP side to stanza errors.
export type MediaErrorCode =
  | 'not_found'
  | 'not_yet_uploaded'
  | 'too_large'
  | 'quota_exceeded'
  | 'forbidden'
  | 'cannot_overwrite'
  | 'bad_request'
  | 'cannot_thumbnail'
  | 'too_many_pending';

export class MediaError extends Error {
  constructor(readonly code: MediaErrorCode, message: string) {
    super(message);
  }
}
