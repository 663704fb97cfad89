//! Time to generate 1,000,000 randomised serials (the goal is ≤ 1 s).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serialtrack_shared::serials::{Alphabet, RandomisedScheme, SerialGenerator};
use std::hint::black_box;

fn generate(generator: &SerialGenerator, count: u64) -> usize {
    generator.serials(0..count).map(|serial| serial.map(|s| s.as_str().len()).unwrap_or(0)).sum()
}

fn serials(c: &mut Criterion) {
    let mut group = c.benchmark_group("serials_generate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    for (name, alphabet, length) in
        [("20_char_alphanumeric", Alphabet::UPPER_ALPHANUMERIC, 20), ("12_digit_numeric", Alphabet::DIGITS, 12)]
    {
        let scheme = RandomisedScheme::new(Alphabet::parse(alphabet).unwrap(), length).unwrap();
        let generator = SerialGenerator::new(scheme, *b"bench-key-000001");
        group.bench_function(format!("1_000_000_{name}"), |b| b.iter(|| black_box(generate(&generator, 1_000_000))));
    }
    group.finish();
}

criterion_group!(benches, serials);
criterion_main!(benches);
