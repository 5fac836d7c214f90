//! The document font: Times New Roman, or a metric-compatible family, found on the
//! machine (or in `SANGKIEN_FONT_DIR`) and kept as file contents for embedding.

use std::path::{Path, PathBuf};

use super::PdfError;

/// The four faces of the document font, as file contents.
#[derive(Clone)]
pub struct Fonts {
    /// regular, bold, italic, bold italic
    pub(super) faces: [std::sync::Arc<Vec<u8>>; 4],
    pub family: String,
}

/// File names of the families we accept, best first.
const FAMILIES: &[(&str, [&str; 4])] = &[
    (
        "Times New Roman",
        ["times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"],
    ),
    (
        "Times New Roman",
        [
            "Times_New_Roman.ttf",
            "Times_New_Roman_Bold.ttf",
            "Times_New_Roman_Italic.ttf",
            "Times_New_Roman_Bold_Italic.ttf",
        ],
    ),
    (
        "Liberation Serif",
        [
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSerif-BoldItalic.ttf",
        ],
    ),
];

const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/msttcorefonts",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-serif",
    "/usr/share/fonts/TTF",
];

impl Fonts {
    /// Finds the font in `dir` if given (SANGKIEN_FONT_DIR), else in the usual system
    /// folders.
    pub fn discover(dir: Option<&Path>) -> Result<Fonts, PdfError> {
        let dirs: Vec<PathBuf> = match dir {
            Some(d) => vec![d.to_path_buf()],
            None => SYSTEM_DIRS.iter().map(PathBuf::from).collect(),
        };
        for d in &dirs {
            for (family, files) in FAMILIES {
                if files.iter().all(|f| d.join(f).is_file()) {
                    return Fonts::load(d, family, files);
                }
            }
        }
        Err(PdfError::NoFont(
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ))
    }

    fn load(dir: &Path, family: &str, files: &[&str; 4]) -> Result<Fonts, PdfError> {
        let read = |f: &str| -> Result<std::sync::Arc<Vec<u8>>, PdfError> {
            let path = dir.join(f);
            let data =
                std::fs::read(&path).map_err(|_| PdfError::BadFont(path.display().to_string()))?;
            ttf_parser::Face::parse(&data, 0)
                .map_err(|_| PdfError::BadFont(path.display().to_string()))?;
            Ok(std::sync::Arc::new(data))
        };
        Ok(Fonts {
            faces: [
                read(files[0])?,
                read(files[1])?,
                read(files[2])?,
                read(files[3])?,
            ],
            family: family.to_string(),
        })
    }
}
