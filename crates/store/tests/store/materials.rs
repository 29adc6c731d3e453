//! Awareness materials and their stock.

use crate::common::*;

// ---------------------------------------------------------------- awareness materials

store_test!(material_stock_never_goes_negative, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let post = office(&w.org, "Poste frontalier de Gatumba");
    s.create_office(&system(), &post).await.unwrap();
    let store = w.office.id;
    let poster = MaterialId::new();
    s.create_material(
        &system(),
        poster,
        "poster",
        "Ntimugurishwe",
        "rn",
        Some("Campagne 2026"),
    )
    .await
    .unwrap();
    assert_invalid(
        s.create_material(&system(), MaterialId::new(), "leaflet", "X", "rn", None)
            .await,
        "mat_Kind",
        "picklist",
    );
    assert_invalid(
        s.create_material(&system(), MaterialId::new(), "flyer", "X", "kirundi", None)
            .await,
        "mat_Language",
        "iso639",
    );
    assert_eq!(
        s.receive_material(&system(), poster, store, 100, day("2026-02-01"))
            .await
            .unwrap(),
        100
    );
    assert_invalid(
        s.distribute_material(&system(), poster, store, post.id, 0, day("2026-02-02"))
            .await,
        "mat_Quantity",
        "range",
    );
    assert_invalid(
        s.distribute_material(&system(), poster, store, post.id, 101, day("2026-02-02"))
            .await,
        "mat_Quantity",
        "insufficient_stock",
    );
    // Thirty distributions of 5 at once from a stock of 100: exactly twenty go through.
    let mut set = JoinSet::new();
    for _ in 0..30 {
        let st = s.clone();
        let to = post.id;
        set.spawn(async move {
            st.distribute_material(&system(), poster, store, to, 5, day("2026-02-03"))
                .await
        });
    }
    let (mut ok, mut short) = (0, 0);
    let mut lefts = Vec::new();
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(left) => {
                lefts.push(left);
                ok += 1;
            }
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e.0[0].rule, "insufficient_stock");
                short += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!((ok, short), (20, 10));
    // Each distribution that went through saw the stock one step lower: 95, 90, …, 0.
    lefts.sort_unstable();
    assert_eq!(lefts, (0..20).map(|k| k * 5).collect::<Vec<i64>>());
    let stock = s.material_stock().await.unwrap();
    assert_eq!(stock.len(), 1);
    assert_eq!(stock[0].quantity, 0);
    let received: i64 = s
        .distributions()
        .await
        .unwrap()
        .iter()
        .filter(|d| d.office_id == post.id)
        .map(|d| d.quantity)
        .sum();
    assert_eq!(received, 100, "what left the store arrived at the post");
    db.finish().await;
});
