//! The MRZ character set and the 7-3-1 check digit (Doc 9303 Part 3 §4.9).

/// The value of an MRZ character: `0`–`9` are 0–9, `A`–`Z` 10–35, the filler `<` 0; anything
/// else (lower case, space, accented letters) has none.
pub fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// Whether `c` is of the MRZ character set (`A`–`Z`, `0`–`9`, `<`).
pub fn is_mrz_char(c: char) -> bool {
    value(c).is_some()
}

/// The check digit of `data`: each character's value times 7, 3, 1, 7, 3, 1, … from the left,
/// summed, modulo 10. `None` when a character is outside the MRZ set.
///
/// ```
/// assert_eq!(tabara_mrz::check_digit("520727"), Some(3));
/// assert_eq!(tabara_mrz::check_digit("AB2134<<<"), Some(5));
/// assert_eq!(tabara_mrz::check_digit("ab2134"), None);
/// ```
pub fn check_digit(data: &str) -> Option<u32> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0;
    for (i, c) in data.chars().enumerate() {
        sum += value(c)? * WEIGHTS[i % 3];
    }
    Some(sum % 10)
}

/// The characters OCR and people confuse, each with what it may have been: digits read as
/// letters and back, and the filler read as `K`.
pub fn confusions(c: char) -> &'static [char] {
    match c {
        '0' => &['O', 'D', 'Q'],
        'O' | 'D' | 'Q' => &['0'],
        '1' => &['I'],
        'I' => &['1'],
        '2' => &['Z'],
        'Z' => &['2'],
        '5' => &['S'],
        'S' => &['5'],
        '6' => &['G'],
        'G' => &['6'],
        '8' => &['B'],
        'B' => &['8'],
        'K' => &['<'],
        '<' => &['K'],
        '«' | '‹' => &['<'],
        _ => &[],
    }
}
