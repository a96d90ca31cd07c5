//! Configs that once slipped through validation, panicked or allocated
//! without bound: each now ends in one line naming the file, the place, the
//! key and the fix.

use super::*;
