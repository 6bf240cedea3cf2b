//! Following a list across pages: a [`Stream`] of pages that asks for each next one with the
//! token the last gave, and a [`Stream`] of their items.

use std::future::Future;

pub use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

/// Where a page stream is.
enum Cursor {
    First,
    After(String),
    Done,
}

/// Every page: `fetch(None)` first, then `fetch(Some(token))` while `next_token` gives a
/// non-empty token. It ends after yielding an error, when the token is absent or empty, or when
/// the service gives the token it was just asked with (which would loop forever).
pub fn pages<P, E, F, Fut>(
    fetch: F,
    next_token: fn(&P) -> Option<String>,
) -> impl Stream<Item = Result<P, E>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, E>>,
{
    stream::unfold(
        (Cursor::First, fetch),
        move |(cursor, mut fetch)| async move {
            let asked = match cursor {
                Cursor::Done => return None,
                Cursor::First => None,
                Cursor::After(token) => Some(token),
            };
            match fetch(asked.clone()).await {
                Err(error) => Some((Err(error), (Cursor::Done, fetch))),
                Ok(page) => {
                    let next = match next_token(&page) {
                        Some(token) if !token.is_empty() && Some(&token) != asked.as_ref() => {
                            Cursor::After(token)
                        }
                        _ => Cursor::Done,
                    };
                    Some((Ok(page), (next, fetch)))
                }
            }
        },
    )
}

/// Every item of every page, in order; an error is passed on and ends the stream.
pub fn items<P, I, E, S>(pages: S, take_items: fn(P) -> Vec<I>) -> impl Stream<Item = Result<I, E>>
where
    S: Stream<Item = Result<P, E>>,
{
    pages.flat_map(move |page| {
        let items: Vec<Result<I, E>> = match page {
            Ok(page) => take_items(page).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(items)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Page {
        items: Vec<u32>,
        next: Option<String>,
    }

    /// The tokens asked with, and the answers still to give.
    type Server = (
        RefCell<Vec<Option<String>>>,
        RefCell<std::vec::IntoIter<Result<Page, String>>>,
    );

    fn server(pages: Vec<Result<Page, String>>) -> Server {
        (RefCell::new(Vec::new()), RefCell::new(pages.into_iter()))
    }

    fn page(items: &[u32], next: Option<&str>) -> Result<Page, String> {
        Ok(Page {
            items: items.to_vec(),
            next: next.map(str::to_owned),
        })
    }

    #[tokio::test]
    async fn pages_follow_the_tokens_until_there_is_none() {
        let (asked, answers) = server(vec![
            page(&[1, 2], Some("t2")),
            page(&[3], Some("t3")),
            page(&[4], None),
        ]);
        let all: Vec<u32> = items(
            pages(
                |token| {
                    asked.borrow_mut().push(token);
                    let next = answers.borrow_mut().next().unwrap();
                    async move { next }
                },
                |p: &Page| p.next.clone(),
            ),
            |p| p.items,
        )
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(all, [1, 2, 3, 4]);
        assert_eq!(
            asked.into_inner(),
            [None, Some("t2".into()), Some("t3".into())]
        );
    }

    #[tokio::test]
    async fn an_empty_or_repeated_token_ends_and_an_error_is_yielded_once() {
        for (answers, expected) in [
            (vec![page(&[1], Some("")), page(&[9], None)], 1),
            (
                vec![
                    page(&[1], Some("a")),
                    page(&[2], Some("a")),
                    page(&[9], None),
                ],
                2,
            ),
        ] {
            let (_, answers) = server(answers);
            let got: Vec<_> = pages(
                |_| {
                    let n = answers.borrow_mut().next().unwrap();
                    async move { n }
                },
                |p: &Page| p.next.clone(),
            )
            .collect()
            .await;
            assert_eq!(got.len(), expected);
        }
        let (_, answers) = server(vec![
            page(&[1], Some("b")),
            Err("boom".into()),
            page(&[9], None),
        ]);
        let got: Vec<Result<u32, String>> = items(
            pages(
                |_| {
                    let n = answers.borrow_mut().next().unwrap();
                    async move { n }
                },
                |p: &Page| p.next.clone(),
            ),
            |p| p.items,
        )
        .collect()
        .await;
        assert_eq!(got, [Ok(1), Err("boom".to_owned())]);
    }

    #[tokio::test]
    async fn taking_a_few_items_fetches_only_the_pages_needed() {
        let (asked, answers) = server(vec![
            page(&[1, 2], Some("t2")),
            page(&[3, 4], Some("t3")),
            page(&[5], None),
        ]);
        let first: Vec<_> = items(
            pages(
                |token| {
                    asked.borrow_mut().push(token);
                    let n = answers.borrow_mut().next().unwrap();
                    async move { n }
                },
                |p: &Page| p.next.clone(),
            ),
            |p| p.items,
        )
        .take(3)
        .collect()
        .await;
        assert_eq!(first.len(), 3);
        assert_eq!(asked.borrow().len(), 2);
    }
}
