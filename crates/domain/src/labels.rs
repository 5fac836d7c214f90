//! The catalogue of enum labels shown to people: Vietnamese first, English second.

/// A value with a Vietnamese and an English label.
pub trait Label {
    fn vi(&self) -> &'static str;
    fn en(&self) -> &'static str;
    fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}
