//! The JSON report's printer: the bytes `serde_json::to_writer_pretty` writes (two
//! spaces an indent, `"key": value`, `{}` and `[]` when empty), written straight from
//! the types' `Serialize` with less work per piece (docs/performance.md, sixth pass).
//!
//! The JSON report is some twelve thousand keys and seven thousand amounts of a few
//! bytes each. Here a key or a string that needs no escaping (no `"`, `\` or control
//! character: every key and amount) is copied as it is, a number is written with
//! integer code, and each piece is copied into a 16 KiB chunk inline ([`Chunks`]).
//! Whatever is rare (a string to escape, a float) is written by `serde_json` itself,
//! so the text is serde_json's in every case; tests compare the two byte for byte.

use std::fmt::Write as _;
use std::io;

use boxflow_core::{Digits, CENTS_TEXT_MAX, MONEY_NEWTYPE};
use serde::ser::{self, Serialize};
use serde_json::Error;

/// Writes `value` as `serde_json::to_writer_pretty(writer, value)` does, byte for byte.
pub(crate) fn to_writer_pretty<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    // The printer and its chunk on the stack (16 KiB, in pages the process's start-up
    // has touched already: no page fault, where a new heap block takes four).
    let mut pretty = Pretty {
        out: Chunks {
            buf: [0; CHUNK],
            len: 0,
            inner: writer,
        },
        indent: 0,
        scratch: String::new(),
        amount: false,
    };
    value.serialize(&mut pretty)?;
    pretty.out.finish().map_err(Error::io)
}

/// The bytes of a JSON report on their way to a writer, in chunks of 16 KiB: a piece
/// of a few bytes is copied inline (no call per piece, as `Vec::extend_from_slice`
/// makes), and the writer sees a few large writes. (16 KiB rather than 64: a short
/// process touches 12 fewer pages, 12 fewer page faults, for 6 more writes of the
/// reference run's 132 KB.)
struct Chunks<W: io::Write> {
    /// Of a fixed length, so that the checks of a piece's bounds are mostly known.
    buf: [u8; CHUNK],
    len: usize,
    inner: W,
}

/// The size of a chunk of [`Chunks`].
const CHUNK: usize = 1 << 14;

impl<W: io::Write> Chunks<W> {
    const SIZE: usize = CHUNK;

    /// [`io::Write::write_all`] when `data` does not fit in what is left of the chunk:
    /// the chunk is written out first (out of line: rare).
    #[cold]
    #[inline(never)]
    fn spill(&mut self, data: &[u8]) -> io::Result<()> {
        self.finish()?;
        let n = data.len();
        if n > Self::SIZE {
            return self.inner.write_all(data);
        }
        copy(&mut self.buf[..n], data);
        self.len = n;
        Ok(())
    }

    /// Writes what is buffered to the writer (without flushing the writer itself).
    fn finish(&mut self) -> io::Result<()> {
        let len = std::mem::take(&mut self.len);
        self.inner.write_all(&self.buf[..len])
    }
}

impl<W: io::Write> io::Write for Chunks<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    #[inline(always)]
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        let (at, n) = (self.len, data.len());
        match self.buf.get_mut(at..at.wrapping_add(n)) {
            Some(to) if at.checked_add(n).is_some() => {
                copy(to, data);
                self.len = at + n;
                Ok(())
            }
            _ => self.spill(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.finish()?;
        self.inner.flush()
    }
}

impl<W: io::Write> Chunks<W> {
    /// The first `n` bytes of `data` (which holds at least 32): one fixed copy of 32
    /// bytes when `n <= 32` and they fit (the bytes after the first `n` are written
    /// over by what follows).
    #[inline(always)]
    fn piece(&mut self, data: &[u8], n: usize) -> io::Result<()> {
        let at = self.len;
        if n <= 32 {
            if let (Some(to), Some(from)) =
                (self.buf.get_mut(at..at.wrapping_add(32)), data.get(..32))
            {
                to.copy_from_slice(from);
                self.len = at + n;
                return Ok(());
            }
        }
        io::Write::write_all(self, &data[..n])
    }

    /// `"text"` then `after` (`": "` after a key), in one piece when it fits.
    #[inline(always)]
    fn quoted(&mut self, text: &[u8], after: &[u8]) -> io::Result<()> {
        let (n, m) = (text.len(), after.len());
        let at = self.len;
        if n + m + 2 > Self::SIZE - at {
            return self.quoted_spill(text, after);
        }
        self.buf[at] = b'"';
        copy(&mut self.buf[at + 1..at + 1 + n], text);
        self.buf[at + 1 + n] = b'"';
        copy(&mut self.buf[at + 2 + n..at + 2 + n + m], after);
        self.len = at + n + m + 2;
        Ok(())
    }

    /// An amount's text between quotes, its digits written straight into the chunk
    /// ([`Digits::write_cents`]) when its cents fit `u64` and the chunk has room for
    /// the longest; `false`, with nothing written, otherwise.
    #[inline(always)]
    fn amount(&mut self, cents: i128) -> bool {
        let at = self.len;
        let Some(room) = self.buf.get_mut(at..at.wrapping_add(CENTS_TEXT_MAX + 2)) else {
            return false;
        };
        let Ok(text) = <&mut [u8; CENTS_TEXT_MAX]>::try_from(&mut room[1..=CENTS_TEXT_MAX]) else {
            return false;
        };
        let Some(n) = Digits::write_cents(cents, text) else {
            return false;
        };
        room[0] = b'"';
        room[n + 1] = b'"';
        self.len = at + n + 2;
        true
    }

    /// [`Chunks::quoted`] across the end of a chunk, piece by piece.
    #[cold]
    #[inline(never)]
    fn quoted_spill(&mut self, text: &[u8], after: &[u8]) -> io::Result<()> {
        io::Write::write_all(self, b"\"")?;
        io::Write::write_all(self, text)?;
        io::Write::write_all(self, b"\"")?;
        io::Write::write_all(self, after)
    }
}

/// `to.copy_from_slice(data)`, with two overlapping fixed-size copies for a short
/// piece (any length in their range) instead of a call.
#[inline(always)]
fn copy(to: &mut [u8], data: &[u8]) {
    let n = data.len();
    match n {
        0 => {}
        1..=3 => {
            to[0] = data[0];
            to[n / 2] = data[n / 2];
            to[n - 1] = data[n - 1];
        }
        4..=7 => {
            to[..4].copy_from_slice(&data[..4]);
            to[n - 4..].copy_from_slice(&data[n - 4..]);
        }
        8..=16 => {
            to[..8].copy_from_slice(&data[..8]);
            to[n - 8..].copy_from_slice(&data[n - 8..]);
        }
        _ => to.copy_from_slice(data),
    }
}

/// False when a byte of `text` needs escaping in JSON (a control character, `"` or
/// `\`). Eight bytes at a time with the carry-free tests for a zero byte and for a
/// byte below 0x20, which never miss one (they may flag a plain string, which is then
/// written by serde_json: the same text).
#[inline(always)]
fn plain(text: &[u8]) -> bool {
    let n = text.len();
    if n <= 16 {
        // A key or a short string (most of a report): one word, or two that overlap,
        // with no loop (a short one padded with spaces).
        let (first, last) = if n >= 8 {
            (word(&text[..8]), word(&text[n - 8..]))
        } else {
            let mut padded = [b' '; 8];
            copy(&mut padded[..n], text);
            let w = u64::from_le_bytes(padded);
            (w, w)
        };
        return escapes(first) | escapes(last) == 0;
    }
    plain_long(text)
}

/// [`plain`] of a text longer than 16 bytes: word by word, the last word overlapping
/// the one before.
#[inline(never)]
fn plain_long(text: &[u8]) -> bool {
    let n = text.len();
    let mut hit = escapes(word(&text[n - 8..]));
    for chunk in text.chunks_exact(8) {
        hit |= escapes(word(chunk));
    }
    hit == 0
}

/// The eight bytes of `bytes` (eight long) as a little-endian word; a word of zero
/// bytes, which [`escapes`] flags, for any other length.
#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    <[u8; 8]>::try_from(bytes).map_or(0, u64::from_le_bytes)
}

/// Not zero when a byte of `x` is below 0x20, `"` or `\\`.
#[inline(always)]
fn escapes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
        | zero_byte(x ^ (ONES * u64::from(b'"')))
        | zero_byte(x ^ (ONES * u64::from(b'\\')))
}

/// The printer: its output and the depth of the container being written.
struct Pretty<W: io::Write> {
    out: Chunks<W>,
    indent: usize,
    /// Text of `collect_str`, reused.
    scratch: String,
    /// True inside [`Money`](boxflow_core::Money)'s newtype struct: the printer is not
    /// human-readable there, and the amount gives its cents ([`Pretty::amount`]).
    amount: bool,
}

/// `,` and a new line with 64 spaces: the piece between two items at any depth up
/// to 32 levels is a slice of it.
const BETWEEN: &[u8; 66] = b",\n                                                                ";

impl<W: io::Write> Pretty<W> {
    #[inline(always)]
    fn raw(&mut self, bytes: &[u8]) -> serde_json::Result<()> {
        io::Write::write_all(&mut self.out, bytes).map_err(Error::io)
    }

    /// A new line at the current indent (`,` first when `comma`): one piece up to 32
    /// levels deep.
    #[inline(always)]
    fn newline(&mut self, comma: bool) -> serde_json::Result<()> {
        let start = usize::from(!comma);
        let spaces = 2 * self.indent;
        if spaces <= 30 {
            return self
                .out
                .piece(&BETWEEN[start..], 2 + spaces - start)
                .map_err(Error::io);
        }
        self.deep_newline(comma)
    }

    /// [`Pretty::newline`] more than 15 levels deep.
    #[cold]
    #[inline(never)]
    fn deep_newline(&mut self, comma: bool) -> serde_json::Result<()> {
        let start = usize::from(!comma);
        let spaces = 2 * self.indent;
        if spaces <= BETWEEN.len() - 2 {
            return self.raw(&BETWEEN[start..2 + spaces]);
        }
        self.raw(&BETWEEN[start..2])?;
        for _ in 0..self.indent {
            self.raw(b"  ")?;
        }
        Ok(())
    }

    /// A JSON string: as it is between quotes when nothing in it needs escaping,
    /// otherwise as serde_json escapes it.
    fn string(&mut self, s: &str) -> serde_json::Result<()> {
        if plain(s.as_bytes()) {
            self.out.quoted(s.as_bytes(), b"").map_err(Error::io)
        } else {
            self.serde_json(s)
        }
    }

    /// A scalar as serde_json writes it (a scalar's compact and pretty forms agree).
    fn serde_json<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        serde_json::to_writer(&mut self.out, value)
    }

    /// An integer: its digits (as `itoa`, which serde_json uses, writes them).
    fn integer(&mut self, negative: bool, abs: u128) -> serde_json::Result<()> {
        self.raw(Digits::fixed_point(negative, abs, 0).as_bytes())
    }

    /// An amount of money, from its cents: its text between quotes, as
    /// [`Money`](boxflow_core::Money) serializes itself to serde_json (digits, a point
    /// and a sign need no escaping).
    fn amount(&mut self, cents: i128) -> serde_json::Result<()> {
        if self.out.amount(cents) {
            return Ok(());
        }
        let text = Digits::cents(cents);
        self.out.quoted(text.as_bytes(), b"").map_err(Error::io)
    }

    /// Opens an object or array: `{}` / `[]` at once when it is known to be empty.
    fn open(&mut self, len: Option<usize>, open: &[u8], close: &[u8]) -> serde_json::Result<State> {
        if len == Some(0) {
            self.raw(open)?;
            self.raw(close)?;
            Ok(State::Empty)
        } else {
            self.indent += 1;
            self.raw(open)?;
            Ok(State::First)
        }
    }

    /// Closes what [`Pretty::open`] opened.
    fn close(&mut self, state: State, close: &[u8]) -> serde_json::Result<()> {
        match state {
            State::Empty => Ok(()),
            State::First => {
                self.indent -= 1;
                self.raw(close)
            }
            State::Rest => {
                self.indent -= 1;
                self.newline(false)?;
                self.raw(close)
            }
        }
    }

    /// Before an element or a key: `\n` or `,\n`, then the indent.
    fn item(&mut self, state: State) -> serde_json::Result<()> {
        self.newline(state != State::First)
    }

    /// `{"variant": ` of an externally tagged variant.
    fn open_variant(&mut self, variant: &str) -> serde_json::Result<()> {
        self.indent += 1;
        self.raw(b"{")?;
        self.newline(false)?;
        self.string(variant)?;
        self.raw(b": ")
    }

    /// The `}` after a variant's value.
    fn close_variant(&mut self) -> serde_json::Result<()> {
        self.indent -= 1;
        self.newline(false)?;
        self.raw(b"}")
    }
}

/// Where a container is: known empty and closed, before its first item, or after one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// An object or array being written; `variant` when it is the value of an externally
/// tagged variant (`{"variant": [...]}`), which closes the outer object too.
struct Compound<'a, W: io::Write> {
    pretty: &'a mut Pretty<W>,
    state: State,
    variant: bool,
}

impl<'a, W: io::Write> Compound<'a, W> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.pretty.item(self.state)?;
        self.state = State::Rest;
        value.serialize(&mut *self.pretty)
    }

    /// A field's name and `": "`, in one piece when it needs no escaping. Inlined into
    /// each struct's `Serialize`, where the key is a constant: its check and its copy
    /// are then worked out at compile time.
    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> serde_json::Result<()> {
        if !plain(key.as_bytes()) {
            self.key(key)?;
            return self.value(value);
        }
        self.pretty.item(self.state)?;
        self.state = State::Rest;
        self.pretty
            .out
            .quoted(key.as_bytes(), b": ")
            .map_err(Error::io)?;
        value.serialize(&mut *self.pretty)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> serde_json::Result<()> {
        self.pretty.item(self.state)?;
        self.state = State::Rest;
        key.serialize(Key(&mut *self.pretty))
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.pretty.raw(b": ")?;
        value.serialize(&mut *self.pretty)
    }

    fn end_with(self, close: &[u8]) -> serde_json::Result<()> {
        self.pretty.close(self.state, close)?;
        if self.variant {
            self.pretty.close_variant()?;
        }
        Ok(())
    }
}

impl<'a, W: io::Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.raw(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> serde_json::Result<()> {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i16(self, v: i16) -> serde_json::Result<()> {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i32(self, v: i32) -> serde_json::Result<()> {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i64(self, v: i64) -> serde_json::Result<()> {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i128(self, v: i128) -> serde_json::Result<()> {
        if self.amount {
            return self.amount(v);
        }
        self.integer(v < 0, v.unsigned_abs())
    }
    fn serialize_u8(self, v: u8) -> serde_json::Result<()> {
        self.serialize_u128(u128::from(v))
    }
    fn serialize_u16(self, v: u16) -> serde_json::Result<()> {
        self.serialize_u128(u128::from(v))
    }
    fn serialize_u32(self, v: u32) -> serde_json::Result<()> {
        self.serialize_u128(u128::from(v))
    }
    fn serialize_u64(self, v: u64) -> serde_json::Result<()> {
        self.serialize_u128(u128::from(v))
    }
    fn serialize_u128(self, v: u128) -> serde_json::Result<()> {
        self.integer(false, v)
    }
    fn serialize_f32(self, v: f32) -> serde_json::Result<()> {
        self.serde_json(&v)
    }
    fn serialize_f64(self, v: f64) -> serde_json::Result<()> {
        self.serde_json(&v)
    }
    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> serde_json::Result<()> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> serde_json::Result<()> {
        self.raw(b"null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> serde_json::Result<()> {
        self.raw(b"null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        self.raw(b"null")
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> serde_json::Result<()> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        if name == MONEY_NEWTYPE {
            // Not human-readable for the amount inside: it gives its cents.
            self.amount = true;
            let written = value.serialize(&mut *self);
            self.amount = false;
            return written;
        }
        value.serialize(self)
    }
    fn is_human_readable(&self) -> bool {
        !self.amount
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.close_variant()
    }
    fn serialize_seq(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        let state = self.open(len, b"[", b"]")?;
        Ok(Compound {
            pretty: self,
            state,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.open_variant(variant)?;
        let mut c = self.serialize_seq(Some(len))?;
        c.variant = true;
        Ok(c)
    }
    fn serialize_map(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        let state = self.open(len, b"{", b"}")?;
        Ok(Compound {
            pretty: self,
            state,
            variant: false,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.open_variant(variant)?;
        let mut c = self.serialize_map(Some(len))?;
        c.variant = true;
        Ok(c)
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let written = write!(text, "{value}");
        let result = match written {
            Ok(()) => self.string(&text),
            Err(_) => Err(ser::Error::custom("a value's Display failed")),
        };
        self.scratch = text;
        result
    }
}

impl<W: io::Write> ser::SerializeSeq for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.element(value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"]")
    }
}

impl<W: io::Write> ser::SerializeTuple for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.element(value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"]")
    }
}

impl<W: io::Write> ser::SerializeTupleStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.element(value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"]")
    }
}

impl<W: io::Write> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.element(value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"]")
    }
}

impl<W: io::Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> serde_json::Result<()> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.value(value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"}")
    }
}

impl<W: io::Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.field(key, value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"}")
    }
}

impl<W: io::Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.field(key, value)
    }
    fn end(self) -> serde_json::Result<()> {
        self.end_with(b"}")
    }
}

/// A map's key: a string as it is; an integer, a bool or a char quoted, as serde_json
/// writes them; anything else the error serde_json gives.
struct Key<'a, W: io::Write>(&'a mut Pretty<W>);

impl<W: io::Write> Key<'_, W> {
    fn quoted<T: Serialize>(self, value: T) -> serde_json::Result<()> {
        self.0.raw(b"\"")?;
        value.serialize(&mut *self.0)?;
        self.0.raw(b"\"")
    }
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

impl<'a, W: io::Write> ser::Serializer for Key<'a, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        self.0.string(v)
    }
    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_i8(self, v: i8) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_i16(self, v: i16) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_i32(self, v: i32) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_i64(self, v: i64) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_i128(self, v: i128) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_u8(self, v: u8) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_u16(self, v: u16) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_u32(self, v: u32) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_u64(self, v: u64) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_u128(self, v: u128) -> serde_json::Result<()> {
        self.quoted(v)
    }
    fn serialize_f32(self, _v: f32) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_f64(self, _v: f64) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> serde_json::Result<()> {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> serde_json::Result<()> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> serde_json::Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        self.0.collect_str(value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use boxflow_core::Money;
    use proptest::prelude::*;
    use serde::Serialize;

    /// serde_json's pretty text, and ours.
    fn both<T: Serialize + ?Sized>(value: &T) -> (String, String) {
        let expected = serde_json::to_string_pretty(value).unwrap();
        let mut ours = Vec::new();
        super::to_writer_pretty(&mut ours, value).unwrap();
        (expected, String::from_utf8(ours).unwrap())
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Vec<u8>, b: Option<f64> },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    #[serde(tag = "kind")]
    enum Tagged {
        One { x: i64 },
        Two,
    }

    #[derive(Serialize)]
    struct Nothing {}

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapped(u16);

    #[derive(Serialize)]
    struct Inner {
        c: char,
        t: (bool, (), Unit),
    }

    #[derive(Serialize)]
    struct Flat {
        first: i8,
        #[serde(flatten)]
        inner: Inner,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        last: u128,
    }

    #[test]
    fn every_shape_as_serde_json_writes_it() {
        let mut map = BTreeMap::new();
        map.insert("k\"ey\n".to_string(), vec![Shape::Unit, Shape::Newtype(7)]);
        map.insert(String::new(), vec![]);
        let mut ints = BTreeMap::new();
        ints.insert(-3_i64, true);
        ints.insert(12, false);
        let value = serde_json::json!({
            "map": map,
            "ints": ints,
            "shapes": [
                Shape::Tuple(-1, "é\u{1}\u{7f}\\".into()),
                Shape::Struct { a: vec![], b: Some(1.5e300) },
                Shape::Struct { a: vec![0, 255], b: None },
                Shape::EmptyStruct {},
            ],
            "tagged": [Tagged::One { x: i64::MIN }, Tagged::Two],
            "nothing": Nothing {},
            "wrapped": Wrapped(65535),
            "flat": Flat {
                first: -128,
                inner: Inner { c: '"', t: (true, (), Unit) },
                skipped: None,
                last: 1,
            },
            "floats": [0.1, -0.0, f64::MAX, 1e-7],
            "empty": { "a": [], "o": {}, "n": null, "s": "" },
        });
        let (expected, ours) = both(&value);
        assert_eq!(ours, expected);
        // The same values straight from the types (not through `Value`).
        let direct = (
            Shape::Struct {
                a: vec![1, 2],
                b: Some(f64::NAN),
            },
            Shape::Tuple(0, String::new()),
            Tagged::One { x: 0 },
            Flat {
                first: 0,
                inner: Inner {
                    c: '\u{0}',
                    t: (false, (), Unit),
                },
                skipped: Some(1),
                last: u128::MAX,
            },
            [Option::<Nothing>::None],
            serde_bytes_like(&[1, 2, 3]),
            (Vec::<u8>::new(), i128::MIN),
        );
        let (expected, ours) = both(&direct);
        assert_eq!(ours, expected);
    }

    /// `serialize_bytes` is written as an array of numbers, as serde_json does.
    fn serde_bytes_like(bytes: &[u8]) -> impl Serialize + '_ {
        struct Bytes<'a>(&'a [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        Bytes(bytes)
    }

    /// `plain` never passes a byte to escape, wherever it is in a word (every byte
    /// value at every position of strings of 1 to 24 bytes), and passes plain text.
    #[test]
    fn plain_finds_every_byte_to_escape() {
        for len in 1..=24 {
            for at in 0..len {
                for b in 0..=255_u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    let escape = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(super::plain(&text), !escape, "{len} {at} {b}");
                }
            }
        }
        assert!(super::plain(b""));
        assert!(super::plain("caf\u{e9} \u{7f} ~ 1234567.89".as_bytes()));
    }

    #[test]
    fn a_map_key_that_is_not_a_string_is_an_error() {
        let mut map = BTreeMap::new();
        map.insert(vec![1_u8], 1);
        let mut out = Vec::new();
        assert!(serde_json::to_string_pretty(&map).is_err());
        assert!(super::to_writer_pretty(&mut out, &map).is_err());
    }

    #[test]
    fn deep_nesting_and_long_output_span_chunks() {
        let mut value = serde_json::json!("leaf");
        for i in 0..40 {
            value = serde_json::json!({ format!("level {i}"): [value, i] });
        }
        // 200,000 bytes and more: several 16 KiB chunks, and one string longer than one.
        let long = "x".repeat(70_000);
        let big = (0..5_000).map(|i| (i, "ab")).collect::<Vec<_>>();
        let (expected, ours) = both(&(value, long, big));
        assert!(ours.len() > 200_000);
        assert_eq!(ours, expected);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// Any string, any integer, any float: serde_json's text.
        #[test]
        fn scalars_as_serde_json_writes_them(
            s in any::<String>(),
            i in any::<i128>(),
            u in any::<u64>(),
            f in any::<f64>(),
            keys in proptest::collection::btree_map(any::<String>(), any::<i32>(), 0..4),
        ) {
            let (expected, ours) = both(&(s, i, u, f, keys));
            prop_assert_eq!(ours, expected);
        }

        /// Money, written from its cents (its own newtype), in every position: serde_json's
        /// text (a string with two decimals), in an array, a struct, an option and as a key.
        #[test]
        fn amounts_as_serde_json_writes_them(
            cents in prop_oneof![any::<i64>(), -1_000_i64..1_000],
            more in proptest::collection::vec(any::<i64>(), 0..4),
        ) {
            #[derive(Serialize)]
            struct Row {
                amount: Money,
                maybe: Option<Money>,
                list: Vec<Money>,
            }
            let row = Row {
                amount: Money::from_cents(cents),
                maybe: Some(Money::from_cents(-cents / 3)),
                list: more.iter().map(|&c| Money::from_cents(c)).collect(),
            };
            let keyed = BTreeMap::from([(Money::from_cents(cents), Money::from_cents(cents))]);
            let (expected, ours) = both(&(row, keyed, Money::from_cents(cents)));
            prop_assert_eq!(ours, expected);
        }
    }
}
