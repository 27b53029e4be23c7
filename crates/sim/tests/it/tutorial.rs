//! The source tutorial's flow, step by step, at the core API.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;

#[test]
fn private_image_pulls_only_after_the_secret_exists() {
    let mut c = Cluster::new(1);
    apply(&mut c, WEB_YAML);
    c.advance(30_000);
    let p = pod(&c, "web-0").expect("web-0 created");
    let s = status(p);
    assert!(
        s == "ImagePullBackOff" || s == "ErrImagePull",
        "web-0 is {s}"
    );
    assert!(pod(&c, "web-1").is_none(), "web-1 must wait for web-0");
    create_registry_secret(&mut c);
    wait_until(&mut c, 400_000, "web-0 Ready", |c| ready(c, "web-0"));
    wait_until(&mut c, 120_000, "web-1 Ready", |c| ready(c, "web-1"));
}
