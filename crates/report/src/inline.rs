//! A struct's fields written as fields of the struct around it: what
//! `#[serde(flatten)]` writes, without turning the outer struct into a map whose keys
//! are serialized one by one (the JSON report's periods, docs/performance.md,
//! fifteenth pass). Only a struct (`derive(Serialize)` of named fields) can be inlined;
//! anything else is an error.

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// Writes the fields of `value`, a struct, into `outer`, the struct being written.
pub(crate) fn fields<T: Serialize + ?Sized, M: SerializeStruct>(
    value: &T,
    outer: &mut M,
) -> Result<(), M::Error> {
    value.serialize(Inline(outer))
}

/// The serializer of the inlined struct: its fields go to the outer struct.
struct Inline<'a, M>(&'a mut M);

fn not_a_struct<E: ser::Error>() -> E {
    E::custom("only a struct's fields can be written into another struct")
}

impl<'a, M: SerializeStruct> SerializeStruct for Inline<'a, M> {
    type Ok = ();
    type Error = M::Error;
    /// Inlined, as the JSON printer's own: the key stays a constant.
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_field(key, value)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), M::Error> {
        self.0.skip_field(key)
    }
    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

/// Every method but `serialize_struct` (and a newtype struct around one) is an error.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<(), M::Error> {
            Err(not_a_struct())
        })*
    };
}

impl<'a, M: SerializeStruct> Serializer for Inline<'a, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Impossible<(), M::Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), M::Error>;

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, M::Error> {
        Ok(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        value.serialize(self)
    }
    not_a_struct! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), M::Error> {
        Err(not_a_struct())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), M::Error> {
        Err(not_a_struct())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(not_a_struct())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Err(not_a_struct())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, M::Error> {
        Err(not_a_struct())
    }
}

#[cfg(test)]
mod tests {
    use serde::ser::SerializeStruct;
    use serde::{Serialize, Serializer};

    #[derive(Serialize)]
    struct Inner {
        b: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        c: &'static str,
    }

    /// `a`, then `Inner`'s fields, then `d`, with `inline::fields`.
    struct Outer(Inner);

    impl Serialize for Outer {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut fields = s.serialize_struct("Outer", 2)?;
            fields.serialize_field("a", &1)?;
            super::fields(&self.0, &mut fields)?;
            fields.serialize_field("d", &[2, 3])?;
            fields.end()
        }
    }

    /// The same object as `#[serde(flatten)]` gives.
    #[derive(Serialize)]
    struct Flattened {
        a: i32,
        #[serde(flatten)]
        inner: Inner,
        d: [i32; 2],
    }

    #[test]
    fn inlined_fields_are_the_flattened_text() {
        let inner = || Inner {
            b: 7,
            skipped: None,
            c: "x",
        };
        let ours = serde_json::to_string_pretty(&Outer(inner())).unwrap();
        let flat = serde_json::to_string_pretty(&Flattened {
            a: 1,
            inner: inner(),
            d: [2, 3],
        })
        .unwrap();
        assert_eq!(ours, flat);
        assert_eq!(
            ours,
            "{\n  \"a\": 1,\n  \"b\": 7,\n  \"c\": \"x\",\n  \"d\": [\n    2,\n    3\n  ]\n}"
        );
    }

    #[test]
    fn only_a_struct_is_inlined() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut fields = s.serialize_struct("Bad", 1)?;
                super::fields(&5_u8, &mut fields)?;
                fields.end()
            }
        }
        assert!(serde_json::to_string(&Bad).is_err());
    }
}
