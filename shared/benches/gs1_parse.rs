//! Scanner strings parsed per second, on the mix a packaging line and a warehouse send.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serialtrack_shared::gs1::{self, ParseOptions};
use std::hint::black_box;

fn scanner(i: u32) -> String {
    format!("]d2010950600013435221SN{i:08}\u{1d}10LOT{}\u{1d}17281231", i % 97)
}

fn bracketed(i: u32) -> String {
    format!("(01)09506000134352(21)SN{i:08}(10)LOT{}(17)281231", i % 97)
}

fn digital_link(i: u32) -> String {
    format!("https://id.gs1.org/01/09506000134352/10/LOT{}/21/SN{i:08}?17=281231", i % 97)
}

fn inputs() -> Vec<String> {
    (0..1_000u32).flat_map(|i| [scanner(i), bracketed(i), digital_link(i)]).collect()
}

fn parse(c: &mut Criterion) {
    let inputs = inputs();
    let options = ParseOptions::default();
    let mut group = c.benchmark_group("gs1_parse");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("mixed_3000_scans", |b| {
        b.iter(|| {
            let mut elements = 0;
            for input in &inputs {
                elements += gs1::parse(black_box(input), &options).map(|e| e.len()).unwrap_or(0);
            }
            elements
        })
    });
    for (name, form) in [
        ("scanner_1000", scanner as fn(u32) -> String),
        ("bracketed_1000", bracketed),
        ("digital_link_1000", digital_link),
    ] {
        let inputs: Vec<String> = (0..1_000).map(form).collect();
        group.throughput(Throughput::Elements(1_000));
        group.bench_function(name, |b| {
            b.iter(|| inputs.iter().filter(|input| gs1::parse(black_box(input), &options).is_ok()).count())
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
