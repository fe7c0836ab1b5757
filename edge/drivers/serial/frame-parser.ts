/**
 * How a serial frame link knows that a reply is complete. A protocol gives the link a FrameParser, a
 * pure function over the bytes received so far; the link itself knows nothing of any frame format.
 */
export type FrameScan =
  /** A complete, checked frame at bytes [start, end); anything before start was noise or preamble. */
  | { status: 'frame'; start: number; end: number }
  /** A complete frame that fails its check (checksum, end byte): report it, do not wait for more. */
  | { status: 'corrupt'; end: number; reason: string }
  /** No decision yet: bytes before keepFrom can never start a frame and may be dropped. */
  | { status: 'partial'; keepFrom: number };

export type FrameParser = (bytes: Uint8Array) => FrameScan;
