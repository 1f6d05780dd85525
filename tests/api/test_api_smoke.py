from api_helpers import YUMIN, TokenClient, make_token


def test_regions(seed):
    client = TokenClient(make_token(YUMIN))
    r = client.get("/api/v1/regions")
    print(r.status_code, r.content.decode()[:500])
    assert r.status_code == 200
    r = client.get("/api/v1/openapi.json")
    print(r.status_code, r.content.decode()[:300])
