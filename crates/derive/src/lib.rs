//! `#[derive(Decode)]` for the API types of `ordinal-sim`: one small function per struct that
//! decodes it from a `serde_json::Value` through `crate::api::decode`'s non-generic helpers, in
//! place of serde's derived `Deserialize` (a visitor, a field enum and their instantiations per
//! deserializer, several times the code in the wasm).
//!
//! It reads the struct's `#[serde(...)]` attributes, so the JSON names are serde's: `rename_all =
//! "camelCase"` and `rename = "…"` name a field, `transparent` decodes a one-field struct as its
//! field. Every struct is decoded as serde's `default` container: fields missing from the object
//! keep the struct's `Default`. `#[decode(with = "path")]` on a field decodes it with
//! `path(&Value, &mut Cx) -> Result<T, Error>` instead of the field type's `Decode`.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr};

#[proc_macro_derive(Decode, attributes(decode))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `#[derive(Encode)]`: the struct as serde's derived `Serialize` writes it into a
/// `serde_json::Value` (the same keys, `skip_serializing_if` honoured), through
/// `crate::api::encode`'s helpers. `#[encode(with = "path")]` on a field encodes it with
/// `path(&T) -> Value`.
#[proc_macro_derive(Encode, attributes(encode))]
pub fn derive_encode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand_encode(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// A field: its name, its JSON key, its attributes.
type KeyedField = (syn::Ident, String, SerdeAttrs);

/// The struct's attributes, and its named fields with their JSON keys and attributes.
fn keyed_fields(input: &DeriveInput) -> syn::Result<(SerdeAttrs, Vec<KeyedField>)> {
    let cont = read_attrs(&input.attrs)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "derive(Decode/Encode) is for structs",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "derive(Decode/Encode) is for structs with named fields",
        ));
    };
    let mut out = Vec::new();
    for f in &fields.named {
        let attrs = read_attrs(&f.attrs)?;
        let Some(name) = &f.ident else { continue };
        let raw = name.to_string();
        let raw = raw.strip_prefix("r#").unwrap_or(&raw);
        let key = match &attrs.rename {
            Some(r) => r.clone(),
            None if cont.rename_all_camel => camel(raw),
            None => raw.to_string(),
        };
        out.push((name.clone(), key, attrs));
    }
    Ok((cont, out))
}

/// The one field of a `transparent` struct.
fn transparent_field<'a, K, A>(
    ident: &syn::Ident,
    fields: &'a [(syn::Ident, K, A)],
) -> syn::Result<&'a syn::Ident> {
    match fields {
        [(name, _, _)] => Ok(name),
        _ => Err(syn::Error::new_spanned(
            ident,
            "transparent needs exactly one field",
        )),
    }
}

fn expand_encode(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let ident = &input.ident;
    let (cont, fields) = keyed_fields(input)?;
    let enc = quote!(crate::api::encode);
    if cont.transparent {
        let name = transparent_field(ident, &fields)?;
        return Ok(quote! {
            impl #enc::Encode for #ident {
                fn encode(&self) -> ::serde_json::Value {
                    #enc::Encode::encode(&self.#name)
                }
            }
        });
    }
    let mut puts = Vec::new();
    for (name, key, attrs) in &fields {
        let put = match &attrs.encode_with {
            Some(p) => quote!(m.insert(#key.into(), #p(&self.#name));),
            None => quote!(#enc::put(&mut m, #key, &self.#name);),
        };
        puts.push(match &attrs.skip_if {
            Some(skip) => quote!(if !#skip(&self.#name) { #put }),
            None => put,
        });
    }
    Ok(quote! {
        impl #enc::Encode for #ident {
            fn encode(&self) -> ::serde_json::Value {
                let mut m = ::serde_json::Map::new();
                #(#puts)*
                ::serde_json::Value::Object(m)
            }
        }
    })
}

#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all_camel: bool,
    transparent: bool,
    skip_if: Option<syn::Path>,
    decode_with: Option<syn::Path>,
    encode_with: Option<syn::Path>,
}

fn read_attrs(attrs: &[syn::Attribute]) -> syn::Result<SerdeAttrs> {
    let mut out = SerdeAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("serde") {
            attr.parse_nested_meta(|meta| {
                let value = if meta.input.peek(syn::Token![=]) {
                    Some(meta.value()?.parse::<LitStr>()?.value())
                } else {
                    None
                };
                if meta.path.is_ident("rename") {
                    out.rename = value;
                } else if meta.path.is_ident("rename_all") {
                    if value.as_deref() != Some("camelCase") {
                        return Err(
                            meta.error("derive(Decode) knows rename_all = \"camelCase\" only")
                        );
                    }
                    out.rename_all_camel = true;
                } else if meta.path.is_ident("skip_serializing_if") {
                    if let Some(v) = &value {
                        out.skip_if = Some(syn::parse_str(v)?);
                    }
                } else if meta.path.is_ident("transparent") {
                    out.transparent = true;
                } else if meta.path.is_ident("flatten")
                    || meta.path.is_ident("skip")
                    || meta.path.is_ident("skip_deserializing")
                    || meta.path.is_ident("alias")
                {
                    return Err(meta.error("derive(Decode) does not know this serde attribute"));
                }
                Ok(())
            })?;
        } else if attr.path().is_ident("decode") || attr.path().is_ident("encode") {
            let decode = attr.path().is_ident("decode");
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("with") {
                    let s: LitStr = meta.value()?.parse()?;
                    if decode {
                        out.decode_with = Some(s.parse()?);
                    } else {
                        out.encode_with = Some(s.parse()?);
                    }
                    Ok(())
                } else {
                    Err(meta.error("expected `with = \"path\"`"))
                }
            })?;
        }
    }
    Ok(out)
}

/// serde's `camelCase` rule for a field name (`serde_derive`'s `RenameRule::apply_to_field`).
fn camel(field: &str) -> String {
    let mut pascal = String::new();
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    match pascal.get(..1) {
        Some(first) => first.to_ascii_lowercase() + &pascal[1..],
        None => pascal,
    }
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let ident = &input.ident;
    let (cont, fields) = keyed_fields(input)?;
    let dec = quote!(crate::api::decode);
    if cont.transparent {
        let name = transparent_field(ident, &fields)?;
        return Ok(quote! {
            impl #dec::Decode for #ident {
                fn decode(v: &::serde_json::Value, cx: &mut #dec::Cx) -> ::std::result::Result<Self, #dec::Error> {
                    ::std::result::Result::Ok(#ident { #name: #dec::Decode::decode(v, cx)? })
                }
            }
        });
    }
    let mut arms = Vec::new();
    for (name, key, attrs) in &fields {
        arms.push(match &attrs.decode_with {
            Some(p) => quote!(#key => out.#name = #p(v, cx)?,),
            None => quote!(#key => #dec::field(&mut out.#name, v, cx)?,),
        });
    }
    let strukt = ident.to_string();
    Ok(quote! {
        impl #dec::Decode for #ident {
            fn decode(v: &::serde_json::Value, cx: &mut #dec::Cx) -> ::std::result::Result<Self, #dec::Error> {
                let mut out = <#ident as ::std::default::Default>::default();
                cx.object(v, #strukt, &mut |cx, key, v| {
                    match key {
                        #(#arms)*
                        _ => return ::std::result::Result::Ok(false),
                    }
                    ::std::result::Result::Ok(true)
                })?;
                ::std::result::Result::Ok(out)
            }
        }
    })
}
