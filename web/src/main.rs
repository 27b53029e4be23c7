//! Ordinal's web front end: an adapter that renders plain data produced by `ordinal-sim`.

use yew::prelude::*;

/// Seed for the cluster shown on first load.
const SEED: u64 = 1;

#[function_component(App)]
fn app() -> Html {
    let nodes = use_memo((), |_| ordinal_sim::Cluster::new(SEED).node_names());

    html! {
        <main class="page">
            <header>
                <h1>{ "Ordinal" }</h1>
                <p class="tagline">{ "A Kubernetes StatefulSet playground that runs in your browser" }</p>
            </header>
            <section aria-labelledby="nodes-heading">
                <h2 id="nodes-heading">{ "Nodes" }</h2>
                <ul class="nodes" aria-labelledby="nodes-heading">
                    { for nodes.iter().map(|name| html! { <li key={name.clone()}>{ name }</li> }) }
                </ul>
            </section>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
