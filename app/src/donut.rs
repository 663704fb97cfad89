//! The pool's donut chart (Available versus Assigned), drawn with plotters into SVG text.
//! SVG needs no canvas and no font files, so the chart renders the same offline and in tests.

use plotters::prelude::*;

pub const AVAILABLE_COLOUR: RGBColor = RGBColor(30, 123, 52);
pub const ASSIGNED_COLOUR: RGBColor = RGBColor(11, 92, 173);
const EMPTY_COLOUR: RGBColor = RGBColor(214, 218, 225);

/// The SVG of a donut of `available` versus `assigned`, `size` pixels square. An empty pool draws a grey ring.
pub fn pool_donut_svg(available: u64, assigned: u64, size: u32) -> String {
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, (size, size));
        let area = backend.into_drawing_area();
        // Drawing into a String cannot fail for I/O reasons; a failure would only be a bug in the sizes below.
        let _ = draw(&area, available, assigned, size);
        let _ = area.present();
    }
    svg
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    available: u64,
    assigned: u64,
    size: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let half = (size / 2) as i32;
    let center = (half, half);
    let radius = f64::from(size) * 0.48;
    let hole = radius * 0.6;
    let (sizes, colours) = if available + assigned == 0 {
        (vec![1.0], vec![EMPTY_COLOUR])
    } else {
        (vec![available as f64, assigned as f64], vec![AVAILABLE_COLOUR, ASSIGNED_COLOUR])
    };
    // Labels are written beside the chart in HTML (readable by screen readers), not inside the SVG.
    let labels: Vec<&str> = vec![""; sizes.len()];
    let mut pie = Pie::new(&center, &radius, &sizes, &colours, &labels);
    pie.start_angle(-90.0);
    pie.donut_hole(hole);
    area.draw(&pie)
}

/// The share of the pool that is assigned, in whole percent (0 for an empty pool).
pub fn assigned_percent(available: u64, assigned: u64) -> u64 {
    let total = available + assigned;
    (assigned * 100 + total / 2).checked_div(total).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colour_hex(colour: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
    }

    #[test]
    fn the_donut_is_an_svg_with_both_statuses_coloured() {
        let svg = pool_donut_svg(700, 300, 160);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(&colour_hex(AVAILABLE_COLOUR)), "{svg}");
        assert!(svg.contains(&colour_hex(ASSIGNED_COLOUR)), "{svg}");
    }

    #[test]
    fn an_empty_pool_draws_a_grey_ring() {
        let svg = pool_donut_svg(0, 0, 120);
        assert!(svg.contains(&colour_hex(EMPTY_COLOUR)), "{svg}");
    }

    #[test]
    fn the_assigned_share_is_rounded_to_whole_percent() {
        assert_eq!(assigned_percent(0, 0), 0);
        assert_eq!(assigned_percent(1, 2), 67);
        assert_eq!(assigned_percent(999, 1), 0);
        assert_eq!(assigned_percent(0, 5), 100);
    }
}
