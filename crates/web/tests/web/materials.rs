//! Awareness materials: stock and distributions.

use crate::common::*;

/// The form of a stock movement: `quantity` of `item` received into `store` on `on`, or
/// distributed from it `to` an office.
fn movement<'a>(
    csrf: &'a str,
    item: &'a str,
    store: &'a str,
    to: Option<&'a str>,
    quantity: &'a str,
    on: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("csrf", csrf), ("item", item), ("store", store)];
    form.extend(to.map(|to| ("to", to)));
    form.extend([("quantity", quantity), ("on", on)]);
    form
}

store_test!(
    awareness_materials_stock_and_distributions,
    |db| async move {
        let app = start(&db).await;
        let mut t = signed_in(&app, "trainer").await;
        let page = t.get("/training/materials").await;
        assert_eq!(page.status, 200);
        let csrf = Browser::csrf(&page.body);
        let bad = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Ntimugurishwe"),
                    ("language", "kirundi"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("two-letter language code"));
        let ok = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Ntimugurishwe"),
                    ("language", "rn"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303);
        let item = db.store.materials().await.unwrap()[0].id.to_string();
        let store = app
            .reference
            .offices
            .iter()
            .find(|o| o.name != "Poste frontalier de Gatumba")
            .unwrap()
            .id
            .to_string();
        let post_id = app.office("Poste frontalier de Gatumba").to_string();
        let received = movement(&csrf, &item, &store, None, "10", "2026-03-01");
        let r = t.post("/training/materials/receive", &received).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = t.get(&r.location.unwrap()).await;
        assert!(r.body.contains("Now in that store: 10"), "{}", r.body);
        let distributed = movement(&csrf, &item, &store, Some(&post_id), "4", "2026-03-05");
        let d = t.post("/training/materials/distribute", &distributed).await;
        assert_eq!(d.status, 303, "{}", d.body);
        let d = t.get(&d.location.unwrap()).await;
        assert!(d.body.contains("Now in that store: 6"), "{}", d.body);
        let too_many = movement(&csrf, &item, &store, Some(&post_id), "7", "2026-03-06");
        let short = t.post("/training/materials/distribute", &too_many).await;
        assert_eq!(short.status, 422);
        assert!(short.body.contains("cannot go below zero"));
        let listed = t.get("/training/materials").await;
        let received = listed.body.split("id=\"received\"").nth(1).unwrap();
        assert!(
            received.contains("Poste frontalier de Gatumba") && received.contains("5 Mar 2026")
        );
        assert_eq!(db.store.material_stock().await.unwrap()[0].quantity, 6);
        let mut officer = signed_in(&app, "officer").await;
        assert_eq!(officer.get("/training/materials").await.status, 404);
        db.finish().await;
    }
);
