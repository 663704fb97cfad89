//! A list of refused items (the bad lines of a file, the serials the server would not release): every one
//! with its line, value and reason, under a sentence saying what to do.

use crate::pool_import::ItemProblem;
use leptos::prelude::*;

#[component]
pub fn ProblemList(heading: String, label: &'static str, problems: Vec<ItemProblem>) -> impl IntoView {
    view! {
        <div class="problems" role="alert">
            <p class="error-message">{heading}</p>
            <ul class="problem-list" aria-label=label>
                {problems.into_iter().map(|problem| view! { <li>{problem_words(&problem)}</li> }).collect_view()}
            </ul>
        </div>
    }
}

fn problem_words(problem: &ItemProblem) -> String {
    let value = if problem.value.is_empty() { String::new() } else { format!("“{}”: ", problem.value) };
    match problem.line {
        Some(line) => format!("Line {line}: {value}{}", problem.problem),
        None => format!("{value}{}", problem.problem),
    }
}
