// Maps saxes positions (indexes into the concatenation of every string written to it, in UTF-16
// code units) back to UTF-8 byte offsets on the wire, so that size limits are in bytes.
// Lookups inside one slice move a cursor forward, so a slice costs O(its length) however many
// elements it holds.
export class ByteCounter {
  /** Bytes seen so far, including the whole current slice and skipped keepalives. */
  total = 0;
  private slice = '';
  private sliceStartChar = 0;
  private sliceStartByte = 0;
  private nextChar = 0;
  private cursorChar = 0;
  private cursorByte = 0;

  /** A slice is about to be written to the parser. */
  begin(slice: string): void {
    this.slice = slice;
    this.sliceStartChar = this.nextChar;
    this.nextChar += slice.length;
    this.sliceStartByte = this.total;
    this.total += Buffer.byteLength(slice);
    this.cursorChar = 0;
    this.cursorByte = this.sliceStartByte;
  }

  /** Input that is counted but never reaches the parser (whitespace keepalives). */
  skip(text: string): void {
    this.total += Buffer.byteLength(text);
  }

  /** Byte offset of a parser position inside the current slice. */
  at(position: number): number {
    const rel = this.relative(position);
    if (rel < this.cursorChar) {
      this.cursorChar = 0;
      this.cursorByte = this.sliceStartByte;
    }
    this.cursorByte += Buffer.byteLength(this.slice.slice(this.cursorChar, rel));
    this.cursorChar = rel;
    return this.cursorByte;
  }

  /** What remains of the current slice after a parser position. */
  restFrom(position: number): string {
    return this.slice.slice(this.relative(position));
  }

  /** Position of the current slice's first character in parser coordinates. */
  get sliceStart(): number {
    return this.sliceStartChar;
  }

  // saxes may report a position one before the slice (a CR carried over from the previous
  // write); clamping is exact to within that one byte.
  private relative(position: number): number {
    return Math.min(Math.max(position - this.sliceStartChar, 0), this.slice.length);
  }
}
