// Why the room core refused something; each protocol front end maps these to its own errors.
export type RoomErrorCode = 'not_found' | 'forbidden' | 'bad_event' | 'too_large' | 'unsupported_version'
  /** The sender's account is suspended or locked (spec "Account moderation"). */
  | 'suspended';

export class RoomError extends Error {
  constructor(public readonly code: RoomErrorCode, message: string) {
    super(message);
  }
}
